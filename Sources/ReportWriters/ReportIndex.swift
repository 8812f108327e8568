import AuditModel

/// Lookups every writer needs over one report: the message a finding points at, the findings of each
/// message and of each input, and the inputs in report order (including sources that only findings name).
struct ReportIndex {
    struct MessageKey: Hashable {
        var source: String
        var locator: Locator
    }

    let report: AuditReport
    /// Message index by source and locator.
    let messageIndex: [MessageKey: Int]
    /// Finding indices for each message index.
    let findingsByMessage: [Int: [Int]]
    /// Sources in the order the report lists inputs, then any further source a message or finding names.
    let sources: [String]
    /// Finding indices for each source, in report order.
    let findingsBySource: [String: [Int]]
    /// Message indices for each source, in report order.
    let messagesBySource: [String: [Int]]
    private let inputIndex: [String: Int]

    init(_ report: AuditReport) {
        self.report = report
        var messageIndex: [MessageKey: Int] = [:]
        for (index, message) in report.messages.enumerated() {
            let key = MessageKey(source: message.source, locator: message.locator)
            if messageIndex[key] == nil { messageIndex[key] = index }
        }
        var findingsByMessage: [Int: [Int]] = [:]
        for (index, finding) in report.findings.enumerated() {
            guard let locator = finding.locator,
                let message = messageIndex[MessageKey(source: finding.source, locator: locator)]
            else { continue }
            findingsByMessage[message, default: []].append(index)
        }
        var sources: [String] = []
        var seen: Set<String> = []
        for source in report.inputs.map(\.source) + report.messages.map(\.source) + report.findings.map(\.source)
        where seen.insert(source).inserted {
            sources.append(source)
        }
        self.messageIndex = messageIndex
        self.findingsByMessage = findingsByMessage
        self.sources = sources
        findingsBySource = Dictionary(grouping: report.findings.indices, by: { report.findings[$0].source })
        messagesBySource = Dictionary(grouping: report.messages.indices, by: { report.messages[$0].source })
        inputIndex = Dictionary(
            report.inputs.enumerated().map { ($1.source, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The findings about one source, in report order.
    func findings(of source: String) -> [Finding] { (findingsBySource[source] ?? []).map { report.findings[$0] } }

    /// How many messages a source held: the reader's count when the source is an input, else the report's.
    func messageCount(of source: String) -> Int {
        input(named: source)?.messages ?? messagesBySource[source]?.count ?? 0
    }

    func message(for finding: Finding) -> AuditedMessage? {
        guard let locator = finding.locator,
            let index = messageIndex[MessageKey(source: finding.source, locator: locator)]
        else { return nil }
        return report.messages[index]
    }

    func input(named source: String) -> InputSummary? { inputIndex[source].map { report.inputs[$0] } }

    /// Counts by severity, most severe first.
    static func counts(_ findings: some Sequence<Finding>) -> [(Severity, Int)] {
        var counts: [Severity: Int] = [:]
        for finding in findings { counts[finding.severity, default: 0] += 1 }
        return Severity.allCases.reversed().map { ($0, counts[$0] ?? 0) }
    }

    /// `2 errors`, `1 warning`, `0 notes`.
    static func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    /// Rule ids in catalogue order, then any id only findings use (a rule missing from the catalogue still
    /// shows), each with its finding count.
    func ruleCounts() -> [(rule: String, severity: Severity, count: Int)] {
        var counts: [String: (Severity, Int)] = [:]
        var order: [String] = []
        for finding in report.findings {
            if let (severity, count) = counts[finding.rule] {
                counts[finding.rule] = (max(severity, finding.severity), count + 1)
            } else {
                counts[finding.rule] = (finding.severity, 1)
                order.append(finding.rule)
            }
        }
        let catalogue = report.rules.map(\.id).filter { counts[$0] != nil }
        let rest = order.filter { id in !report.rules.contains { $0.id == id } }
        return (catalogue + rest).map { ($0, counts[$0]!.0, counts[$0]!.1) }
    }

    /// The verdict under `--fail-on`: how many findings make the run fail.
    func failingCount(_ threshold: FailThreshold) -> Int { report.findings.count { threshold.fails(on: $0.severity) } }

    /// The pointer as reports show it: the root pointer says in words what it covers.
    static func pointerText(_ finding: Finding) -> String {
        guard finding.pointer.isRoot else { return finding.pointer.description }
        return finding.locator == nil ? "(whole input)" : "(whole message)"
    }
}
