import AuditModel
import Bytes
import Storage

/// JUnit XML for the test tab of CI runners: one `<testsuite>` per input, one `<testcase>` per message,
/// named by its locator and kind (`packet 5 start`). A test case fails when it has an error, or a finding at
/// or above `--fail-on`, that is not baselined: one `<failure>` holds them all (most CI viewers show one
/// failure per test case), its `message` summarising and its body listing each. Other findings go to the
/// test case's `<system-out>`, so nothing is lost but the test still passes.
///
/// Class names are `usage-audit.` and the input's path with its dots made underscores
/// (`usage-audit.captures/lo_pcap`): Jenkins splits a class name at its last dot into package and class,
/// and GitLab shows it whole, so a file extension must not look like a class. Findings about a whole input form a test case named `input`. An input that
/// could not be read is a test case with an `<error>`: the check could not run on it, which is what JUnit's
/// `errors` count means; otherwise `errors` is 0. A message that could not be decoded and has no failing
/// finding counts as skipped: it was not checked. So does a file of a folder that holds no usage messages
/// (a test case named `read input`, skipped with the reason).
struct JUnitReport {
    let report: AuditReport
    let options: ReportOptions

    private struct Case {
        var name: String
        var failures: [Finding] = []
        var others: [Finding] = []
        var error: String?
        var skipped: String?
    }

    private func fails(_ finding: Finding) -> Bool {
        !finding.baselined && (finding.severity >= .error || options.failOn.fails(on: finding.severity))
    }

    /// `usage-audit.` and the input path, dots made underscores.
    static func className(_ source: String) -> String {
        "usage-audit." + String(source.unicodeScalars.map { $0 == "." ? "_" : Character($0) })
    }

    /// Case counts of one suite, for its attributes (which come before its cases).
    private struct Counts {
        var tests = 0, failures = 0, errors = 0, skipped = 0

        mutating func add(_ testCase: Case) {
            tests += 1
            if !testCase.failures.isEmpty && testCase.error == nil { failures += 1 }
            if testCase.error != nil { errors += 1 }
            if testCase.skipped != nil { skipped += 1 }
        }

        static func + (lhs: Counts, rhs: Counts) -> Counts {
            Counts(
                tests: lhs.tests + rhs.tests, failures: lhs.failures + rhs.failures, errors: lhs.errors + rhs.errors,
                skipped: lhs.skipped + rhs.skipped)
        }
    }

    /// A message or finding, sorted into the order of the test cases.
    private enum Item: Spoolable {
        case message(CaseMessage)
        case finding(Finding)

        func encode(to encoder: inout SpoolEncoder) {
            switch self {
            case .message(let message): encoder.write(true); message.encode(to: &encoder)
            case .finding(let finding): encoder.write(false); finding.encode(to: &encoder)
            }
        }

        init(from decoder: inout SpoolDecoder) throws(SpoolError) {
            self =
                try decoder.readBool()
                ? .message(try CaseMessage(from: &decoder)) : .finding(try Finding(from: &decoder))
        }
    }

    /// What a test case takes from its message: the place that names it, its kind, whether it was decoded.
    /// It goes through a sort when the messages are not listed in place order, so it holds nothing more: the
    /// whole message, payload and sightings included, was most of what the sort wrote and read.
    private struct CaseMessage: Spoolable {
        var locator: Locator
        var kind: MessageKind
        var parsed: Bool

        init(record message: AuditedMessage.RecordView) {
            locator = message.locator
            kind = message.kind
            parsed = message.parsed
        }

        func encode(to encoder: inout SpoolEncoder) {
            locator.encode(to: &encoder)
            kind.encode(to: &encoder)
            encoder.write(parsed)
        }

        init(from decoder: inout SpoolDecoder) throws(SpoolError) {
            locator = try Locator(from: &decoder)
            kind = try MessageKind(from: &decoder)
            parsed = try decoder.readBool()
        }
    }

    /// Case order within a suite: findings about the whole input; each message followed by the findings that
    /// point at it; findings whose message the report does not list, by locator. Then `sequence`.
    struct CaseKey: ReportSortKey {
        /// The suite: the input's ordinal among the report's sources.
        var suite: Int
        var group: Group
        /// The message's position in the report (`message`), or the locator's kind (`orphan`).
        var place: Int
        /// 0 for the message, 1 for the findings after it (`message`), or the locator's number (`orphan`).
        var withinPlace: Int
        var sequence: Int

        /// Groups in the order a suite lists its cases.
        enum Group: Int {
            case wholeInput = 1, message = 2, orphan = 3
        }

        static func wholeInput(suite: Int, sequence: Int) -> Self {
            Self(suite: suite, group: .wholeInput, place: 0, withinPlace: 0, sequence: sequence)
        }

        static func message(suite: Int, position: Int) -> Self {
            Self(suite: suite, group: .message, place: position, withinPlace: 0, sequence: position)
        }

        static func finding(suite: Int, ofMessageAt messagePosition: Int, sequence: Int) -> Self {
            Self(suite: suite, group: .message, place: messagePosition, withinPlace: 1, sequence: sequence)
        }

        static func orphan(suite: Int, locator: Locator, sequence: Int) -> Self {
            let (kind, number) = PlaceKey.fields(locator)
            return Self(suite: suite, group: .orphan, place: kind, withinPlace: number, sequence: sequence)
        }

        /// Whether a case that began at `self` ends before `next`: another group or message, or another locator
        /// among the orphans.
        func startsAnotherCase(_ next: Self) -> Bool {
            group != next.group || place != next.place || (next.group == .orphan && withinPlace != next.withinPlace)
        }

        private init(suite: Int, group: Group, place: Int, withinPlace: Int, sequence: Int) {
            self.suite = suite
            self.group = group
            self.place = place
            self.withinPlace = withinPlace
            self.sequence = sequence
        }

        var ordered: (Int, Int, Int, Int) { (suite, group.rawValue, place, withinPlace) }

        init(ordered: (Int, Int, Int, Int), sequence: Int) {
            self.init(
                suite: ordered.0, group: Group(rawValue: ordered.1) ?? .orphan, place: ordered.2,
                withinPlace: ordered.3, sequence: sequence)
        }
    }

    /// One pass over the cases, so no suite is ever held whole. The counts in the attributes of
    /// `<testsuites>` and of each `<testsuite>` come before the cases they count: each case is written to a
    /// scratch spool as it is made (`CaseWriter`), and counted, and the suites are copied out, each behind
    /// its attributes, once all are counted. (A first pass that only counted read and decoded every message
    /// and finding again: more than a fifth of the report's instructions.)
    func render(to out: inout ReportOutput, scratch: ScratchSpools) {
        let index = ReportIndex(report)
        let cases = CaseWriter(self, index, into: scratch.makeStore())
        writeCases(index, scratch: scratch, to: cases)
        out += #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        out += "<testsuites" + attributes(name: report.toolName, cases.counts.reduce(Counts(), +)) + ">\n"
        for ordinal in index.sources.indices {
            let source = index.sources[ordinal]
            out += "  <testsuite" + attributes(name: source, cases.counts[ordinal]) + ">\n"
            if let input = index.input(named: source) {
                out += "    <properties>\n"
                out += "      <property name=\"input.kind\" value=\"\(Escape.xml(input.kind, attribute: true))\"/>\n"
                out += "      <property name=\"input.messages\" value=\"\(input.messages)\"/>\n"
                out += "    </properties>\n"
            }
            cases.forEachPiece(ofSuite: ordinal) { out.append($0) }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
    }

    /// Hands `cases` every message and finding in case order, keyed by suite, then: findings about the whole
    /// input; each message (the first with its locator) followed by the findings that point at it; findings
    /// whose message the report does not list, by locator.
    ///
    /// `MessageMatch` gives them by place. When the messages are listed in place order (nearly always), place
    /// order is case order but for those last findings, which wait in a sort of their own until their suite
    /// ends; otherwise everything goes through one sort into case order. (Sorting everything always was a
    /// fifth of the report.)
    private func writeCases(_ index: ReportIndex, scratch: ScratchSpools, to cases: CaseWriter) {
        var inReportOrder = false
        var all = ReportSort<CaseKey, Item>(scratch: scratch)
        var orphans = ReportSort<CaseKey, Item>(scratch: scratch)
        var orphansSuite = -1
        func flushOrphans() {
            guard orphansSuite >= 0 else { return }
            for (key, item) in orphans.sorted() { cases.add(item, key: key) }
            orphans = ReportSort<CaseKey, Item>(scratch: scratch)
            orphansSuite = -1
        }
        func take(_ item: Item, key: CaseKey) {
            guard inReportOrder else { return all.add(item, key: key) }
            if orphansSuite >= 0, key.suite != orphansSuite { flushOrphans() }
            guard key.group == .orphan else { return cases.add(item, key: key) }
            orphansSuite = key.suite
            orphans.add(item, key: key)
        }
        MessageMatch.runOverRecords(
            report, sourceOrdinal: index.sourceOrdinal, scratch: scratch, inReportOrder: { inReportOrder = $0 }
        ) { event in
            switch event {
            case .message(let message, let position, let first):
                guard first, let caseMessage = message.read(CaseMessage.init(record:)) else { return }
                let suite = index.sourceOrdinal[message.source]!
                take(.message(caseMessage), key: .message(suite: suite, position: position))
            case .finding(let record, let position, let match):
                // Its front was just read from these bytes: the rest reads too (`runOverRecords`).
                guard let finding = try? record.decode(Finding.self) else { return }
                let suite = index.sourceOrdinal[finding.source]!
                let key: CaseKey
                if let (_, messagePosition) = match {
                    key = .finding(suite: suite, ofMessageAt: messagePosition, sequence: position)
                } else if let locator = finding.locator {
                    key = .orphan(suite: suite, locator: locator, sequence: position)
                } else {
                    key = .wholeInput(suite: suite, sequence: position)
                }
                take(.finding(finding), key: key)
            }
        }
        if inReportOrder {
            flushOrphans()
        } else {
            for (key, item) in all.sorted() { cases.add(item, key: key) }
        }
        cases.finish()
    }

    /// Makes the test cases from messages and findings given in case order, and writes each, as bytes, to a
    /// spool as it is finished, counting it in its suite. Every suite gets its start (its class name, its
    /// read error if any) whether or not it has items.
    private final class CaseWriter {
        private let report: JUnitReport
        private let index: ReportIndex
        private let store: SpoolStore
        private(set) var counts: [Counts]
        private var suiteStarts: [Int]
        /// The suite being written (`-1` before the first).
        private var suite = -1
        private var current: (key: CaseKey, testCase: Case, parsed: Bool)?
        /// Every test case of a suite has its class name: made and escaped once a suite, not once a case (a
        /// twentieth of the report's instructions went to making it again for each message).
        private var escapedClassName = ""
        private var piece = ByteBuffer()

        init(_ report: JUnitReport, _ index: ReportIndex, into store: SpoolStore) {
            self.report = report
            self.index = index
            self.store = store
            counts = [Counts](repeating: Counts(), count: index.sources.count)
            suiteStarts = [Int](repeating: 0, count: index.sources.count)
        }

        func add(_ item: Item, key: CaseKey) {
            assert(key.suite >= suite, "items come in case order: a suite's after the one before it")
            if key.suite != suite { advance(to: key.suite) }
            if let open = current?.key, open.startsAnotherCase(key) { close() }
            switch item {
            case .message(let message):
                close()
                current = (key, Case(name: "\(message.locator) \(message.kind.rawValue)"), message.parsed)
            case .finding(let finding):
                if current == nil {
                    let name = key.group == .wholeInput ? "input" : "\(finding.locator!) message"
                    current = (key, Case(name: name), true)
                }
                if report.fails(finding) {
                    current!.testCase.failures.append(finding)
                } else {
                    current!.testCase.others.append(finding)
                }
            }
        }

        /// Ends the last suite and starts the ones after it, which have no items.
        func finish() { advance(to: index.sources.count) }

        /// The bytes of the cases of suite `ordinal`, in pieces.
        func forEachPiece(ofSuite ordinal: Int, _ body: (UnsafeRawBufferPointer) -> Void) {
            let end = ordinal + 1 < suiteStarts.count ? suiteStarts[ordinal + 1] : store.length
            store.forEachPiece(of: suiteStarts[ordinal]..<end, body)
        }

        /// Closes the suite being written and starts each suite up to `ordinal` (not past the last).
        private func advance(to ordinal: Int) {
            close()
            while suite < ordinal {
                suite += 1
                guard suite < index.sources.count else { return }
                suiteStarts[suite] = store.length
                escapedClassName = Escape.xml(JUnitReport.className(index.sources[suite]), attribute: true)
                let input = index.input(named: index.sources[suite])
                if let readError = input?.readError {
                    write(Case(name: "read input", error: readError))
                } else if let skipped = input?.skipped {
                    // A file of a folder that holds no usage messages: not checked, and not an error.
                    write(Case(name: "read input", skipped: "not checked: \(skipped)"))
                }
            }
        }

        private func close() {
            guard let (_, unfinished, parsed) = current else { return }
            var finished = unfinished
            if !parsed && finished.failures.isEmpty {
                finished.skipped = "the message could not be decoded, so it was not checked"
            }
            write(finished)
            current = nil
        }

        private func write(_ testCase: Case) {
            counts[suite].add(testCase)
            piece.removeAll()
            report.render(testCase, escapedClassName: escapedClassName, to: &piece)
            piece.withUnsafeBytes { store.append(raw: $0) }
        }
    }

    private func attributes(name: String, _ counts: Counts) -> String {
        " name=\"\(Escape.xml(name, attribute: true))\" tests=\"\(counts.tests)\" failures=\"\(counts.failures)\""
            + " errors=\"\(counts.errors)\" skipped=\"\(counts.skipped)\""
    }

    /// One `<testcase>`, appended to `out`; `escapedClassName` is its suite's class name, escaped for an
    /// attribute. Written as bytes, each piece escaped on its own (escaping replaces scalar by scalar, so the
    /// pieces escaped one by one are the whole escaped at once): as strings, appends and interpolations cost
    /// more than a third of the report.
    private func render(_ testCase: Case, escapedClassName: String, to out: inout ByteBuffer) {
        out.append("    <testcase classname=\"")
        out.append(utf8: escapedClassName)
        out.append("\" name=\"")
        Escape.appendXML(testCase.name, attribute: true, to: &out)
        out.append("\"")
        guard testCase.error != nil || testCase.skipped != nil || !testCase.failures.isEmpty || !testCase.others.isEmpty
        else { return out.append("/>\n") }
        out.append(">\n")
        if let error = testCase.error {
            out.append("      <error type=\"input.unreadable\" message=\"")
            Escape.appendXML(error, attribute: true, to: &out)
            out.append("\"/>\n")
        }
        if let skipped = testCase.skipped {
            out.append("      <skipped message=\"")
            Escape.appendXML(skipped, attribute: true, to: &out)
            out.append("\"/>\n")
        }
        if !testCase.failures.isEmpty {
            let (type, message) = Self.summary(testCase.failures)
            out.append("      <failure type=\"")
            Escape.appendXML(type, attribute: true, to: &out)
            out.append("\" message=\"")
            Escape.appendXML(message, attribute: true, to: &out)
            out.append("\">")
            appendDetails(testCase.failures, to: &out)
            out.append("</failure>\n")
        }
        if !testCase.others.isEmpty {
            out.append("      <system-out>")
            appendDetails(testCase.others, to: &out)
            out.append("</system-out>\n")
        }
        out.append("    </testcase>\n")
    }

    /// The failure's `type` (its rules, each once, in order) and `message`: one finding's own message, or
    /// how many there are and the first one's.
    static func summary(_ failures: [Finding]) -> (type: String, message: String) {
        var rules: [String] = []
        for finding in failures where !rules.contains(finding.rule) { rules.append(finding.rule) }
        let first = failures[0]
        guard failures.count > 1 else { return (first.rule, first.message) }
        return (
            rules.joined(separator: ", "),
            "\(failures.count) findings (\(rules.joined(separator: ", "))); first: \(first.rule): \(first.message)"
        )
    }

    /// The body, escaped as XML text: everything a CI reader needs without opening another report, each
    /// finding's details with a blank line between two.
    private func appendDetails(_ findings: [Finding], to out: inout ByteBuffer) {
        for index in findings.indices {
            if index > 0 { out.append("\n\n") }
            appendDetails(of: findings[index], to: &out)
        }
    }

    /// Its severity and rule; its message; where it is; its level, correlator and baseline mark, when it has
    /// any; who sent its message, when that is known. A line each.
    private func appendDetails(of finding: Finding, to out: inout ByteBuffer) {
        out.append(utf8: finding.severity.rawValue)
        out.append(": ")
        Escape.appendXML(finding.rule, to: &out)
        out.append("\n")
        Escape.appendXML(finding.message, to: &out)
        out.append("\nat ")
        Escape.appendXML(finding.source, to: &out)
        out.append(" ")
        if let locator = finding.locator {
            Escape.appendXML(locator.description, to: &out)
        } else {
            out.append("(whole input)")
        }
        out.append(", pointer ")
        Escape.appendXML(ReportIndex.pointerText(finding), to: &out)
        var separator: StaticString = "\n"
        func context(_ part: String) {
            out.append(separator)
            Escape.appendXML(part, to: &out)
            separator = ", "
        }
        if let level = finding.level { context("level \(level)") }
        if let correlator = finding.correlator { context("correlator " + correlator) }
        if finding.baselined { context("in the baseline") }
        if let network = finding.network {
            out.append("\n")
            Escape.appendXML(ReportIndex.senderText(network), to: &out)
        }
    }
}
