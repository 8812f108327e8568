import AuditModel
import Bytes
import Storage

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
        var tally = Tally()
        for input in report.inputs { tally.note(input.source) }
        // Spooled lists are read as their records' bytes (`forEachRecord`), no string made for a message or
        // finding; a list in memory, or one changed as it is read, is read element by element.
        let messagesRead = report.messages.forEachRecord { decoder throws(SpoolError) in
            tally.countMessage(from: try AuditedMessage.sourceBytes(reading: &decoder))
            decoder.skipRest()
        }
        if !messagesRead {
            for message in report.messages.parts(AuditedMessage.Place.self, from: AuditedMessage.Place.init) {
                var source = message.source
                source.withUTF8 { tally.countMessage(from: UnsafeRawBufferPointer($0)) }
            }
        }
        let findingsRead = report.findings.forEachRecord(
            amendedBy: ReportPreparation.Amendment.self, keeps: \.isKept
        ) { decoder, _ throws(SpoolError) in
            let view = try Finding.RecordView.Front(reading: &decoder)
            decoder.skipRest()
            tally.countFinding(source: view.source, rule: view.rule, severity: view.severity, locator: view.locator)
        }
        if !findingsRead {
            for finding in report.findings.parts(Finding.Place.self, from: Finding.Place.init) {
                var source = finding.source
                var rule = finding.rule
                source.withUTF8 { source in
                    rule.withUTF8 { rule in
                        tally.countFinding(
                            source: UnsafeRawBufferPointer(source), rule: UnsafeRawBufferPointer(rule),
                            severity: finding.severity, locator: finding.locator)
                    }
                }
            }
        }
        tally.endRun()
        sources = tally.sources
        sourceOrdinal = tally.ordinal
        facts = tally.facts
        ruleOrder = tally.rules.map(\.id)
        ruleFacts = Dictionary(
            tally.rules.map { ($0.id, (severity: $0.severity, count: $0.count)) },
            uniquingKeysWith: { first, _ in first })
        inputIndex = Dictionary(
            report.inputs.enumerated().map { ($1.source, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The counting behind `init`, fed the UTF-8 bytes of each record's source and rule. Nearly every record
    /// names the source the one before it named, so a source's facts are looked up once for each run of its
    /// records (`current`) rather than several times a record; rules, a few dozen ids from the catalogue, are
    /// found by their bytes, the last one met tried first.
    private struct Tally {
        var sources: [String] = []
        var ordinal: [String: Int] = [:]
        var facts: [String: SourceFacts] = [:]
        var rules: [(id: String, bytes: [UInt8], severity: Severity, count: Int)] = []
        private var current: (bytes: [UInt8], source: String, facts: SourceFacts)?
        private var lastRule = 0

        /// Lists `source` after the sources met before it, once.
        mutating func note(_ source: String) {
            guard ordinal[source] == nil else { return }
            ordinal[source] = sources.count
            sources.append(source)
        }

        mutating func countMessage(from source: UnsafeRawBufferPointer) {
            startRun(of: source)
            current!.facts.listedMessages += 1
        }

        mutating func countFinding(
            source: UnsafeRawBufferPointer, rule: UnsafeRawBufferPointer, severity: Severity, locator: Locator?
        ) {
            startRun(of: source)
            current!.facts.findingsBySeverity[severity.ordinal] += 1
            let place = ReportIndex.placeWidth(locator)
            if place > current!.facts.widestPlace { current!.facts.widestPlace = place }
            countRule(rule, severity: severity)
        }

        /// Puts the facts of the run that ends back in `facts`.
        mutating func endRun() {
            guard let (_, source, sourceFacts) = current else { return }
            facts[source] = sourceFacts
            current = nil
        }

        private mutating func startRun(of source: UnsafeRawBufferPointer) {
            if let current, current.bytes.hasSameBytes(as: source) { return }
            endRun()
            let text = String(decoding: source, as: UTF8.self)
            note(text)
            current = (Array(source), text, facts[text] ?? SourceFacts())
        }

        private mutating func countRule(_ rule: UnsafeRawBufferPointer, severity: Severity) {
            if lastRule < rules.count, rules[lastRule].bytes.hasSameBytes(as: rule) {
                rules[lastRule].count += 1
                rules[lastRule].severity = max(rules[lastRule].severity, severity)
                return
            }
            if let found = rules.firstIndex(where: { $0.bytes.hasSameBytes(as: rule) }) {
                lastRule = found
                rules[found].count += 1
                rules[found].severity = max(rules[found].severity, severity)
                return
            }
            lastRule = rules.count
            rules.append((String(decoding: rule, as: UTF8.self), Array(rule), severity, 1))
        }
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

    /// The length of `placeText(locator)` in characters, counted without making it.
    static func placeWidth(_ locator: Locator?) -> Int {
        guard let locator else { return "input".utf8.count }
        var number = locator.number
        var digits = number < 0 ? 2 : 1
        while number <= -10 || number >= 10 {
            number /= 10
            digits += 1
        }
        return locator.kind.utf8.count + 1 + digits
    }

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
