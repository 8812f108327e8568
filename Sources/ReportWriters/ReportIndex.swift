import AuditModel

/// What writers need to know about a report before they write it, gathered in one pass over its messages and
/// findings that keeps nothing per message: the sources in report order, per source its message count,
/// its findings by severity and the width of its widest locator, and the findings per rule. Its size grows
/// with the number of inputs and rules, never with the number of messages.
struct ReportIndex {
    struct SourceFacts {
        /// Messages of this source the report lists.
        var listedMessages = 0
        /// By severity, in `Severity.allCases` order.
        var findingsBySeverity = [0, 0, 0]
        /// The longest `packet 11` (or `input`) among its findings, in characters.
        var widestPlace = 0

        var findings: Int { findingsBySeverity.reduce(0, +) }
    }

    let report: AuditReport
    /// Sources in the order the report lists inputs, then any further source a message or finding names.
    let sources: [String]
    /// Each source's position in `sources`.
    let sourceOrdinal: [String: Int]
    private let facts: [String: SourceFacts]
    private let inputIndex: [String: Int]
    private let ruleOrder: [String]
    private let ruleFacts: [String: (severity: Severity, count: Int)]

    init(_ report: AuditReport) {
        self.report = report
        var sources: [String] = []
        var ordinal: [String: Int] = [:]
        func note(_ source: String) {
            if ordinal[source] == nil {
                ordinal[source] = sources.count
                sources.append(source)
            }
        }
        for input in report.inputs { note(input.source) }
        var facts: [String: SourceFacts] = [:]
        // Only the fronts of spooled messages and findings are read (`AuditList.parts`).
        for message in report.messages.parts(AuditedMessage.Place.self, from: AuditedMessage.Place.init) {
            note(message.source)
            facts[message.source, default: SourceFacts()].listedMessages += 1
        }
        var ruleOrder: [String] = []
        var ruleFacts: [String: (severity: Severity, count: Int)] = [:]
        for finding in report.findings.parts(Finding.Place.self, from: Finding.Place.init) {
            note(finding.source)
            let severityIndex = Severity.allCases.firstIndex(of: finding.severity)!
            let place = Self.placeText(finding.locator).count
            facts[finding.source, default: SourceFacts()].findingsBySeverity[severityIndex] += 1
            if place > facts[finding.source]!.widestPlace { facts[finding.source]!.widestPlace = place }
            if let (severity, count) = ruleFacts[finding.rule] {
                ruleFacts[finding.rule] = (max(severity, finding.severity), count + 1)
            } else {
                ruleFacts[finding.rule] = (finding.severity, 1)
                ruleOrder.append(finding.rule)
            }
        }
        self.sources = sources
        self.sourceOrdinal = ordinal
        self.facts = facts
        self.ruleOrder = ruleOrder
        self.ruleFacts = ruleFacts
        inputIndex = Dictionary(
            report.inputs.enumerated().map { ($1.source, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func facts(of source: String) -> SourceFacts { facts[source] ?? SourceFacts() }

    /// How many messages a source held: the reader's count when the source is an input, else the report's.
    func messageCount(of source: String) -> Int {
        input(named: source)?.messages ?? facts(of: source).listedMessages
    }

    func input(named source: String) -> InputSummary? { inputIndex[source].map { report.inputs[$0] } }

    /// Counts by severity, most severe first.
    static func counts(bySeverity counts: [Int]) -> [(Severity, Int)] {
        Severity.allCases.enumerated().reversed().map { ($1, counts[$0]) }
    }

    /// The report's counts by severity, most severe first.
    var counts: [(Severity, Int)] { Self.counts(bySeverity: report.findings.tally.bySeverity) }

    /// `2 errors`, `1 warning`, `0 notes`.
    static func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    /// Rule ids in catalogue order, then any id only findings use (a rule missing from the catalogue still
    /// shows), each with its finding count.
    func ruleCounts() -> [(rule: String, severity: Severity, count: Int)] {
        let catalogue = report.rules.map(\.id).filter { ruleFacts[$0] != nil }
        let known = Set(report.rules.map(\.id))
        let rest = ruleOrder.filter { !known.contains($0) }
        return (catalogue + rest).map { ($0, ruleFacts[$0]!.severity, ruleFacts[$0]!.count) }
    }

    /// The verdict under `--fail-on`: how many findings make the run fail (baselined ones do not).
    func failingCount(_ threshold: FailThreshold) -> Int { report.failingCount(threshold) }

    /// `packet 11`, or `input` for a finding about the whole input.
    static func placeText(_ finding: Finding) -> String { placeText(finding.locator) }

    static func placeText(_ locator: Locator?) -> String { locator?.description ?? "input" }

    /// The pointer as reports show it: the root pointer says in words what it covers.
    static func pointerText(_ finding: Finding) -> String {
        guard finding.pointer.isRoot else { return finding.pointer.description }
        return finding.locator == nil ? "(whole input)" : "(whole message)"
    }

    /// `sent by 10.20.0.12:41002 at 2026-11-24T21:19:46.000020Z on eth0`: a finding's sender and time.
    static func senderText(_ network: NetworkEvidence) -> String {
        "sent by \(network.from) at \(network.time)" + (network.interface.map { " on \($0)" } ?? "")
    }
}
