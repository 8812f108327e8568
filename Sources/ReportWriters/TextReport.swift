import AuditModel
import Bytes
import Storage

/// The terminal report: findings grouped by input, each with where it is (locator and JSON pointer), how
/// bad, which rule, and one line a non-expert understands; then a summary and the verdict under
/// `--fail-on`. Every value from a message is shown with its control characters made visible, so a hostile
/// message cannot drive the terminal.
struct TextReport {
    let report: AuditReport
    let options: ReportOptions

    private enum Style: String {
        case bold = "1"
        case dim = "2"
        case red = "1;31"
        case yellow = "33"
        case cyan = "36"
        case green = "32"
    }

    private func styled(_ text: String, _ style: Style) -> String {
        options.color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    private func severityStyle(_ severity: Severity) -> Style {
        switch severity {
        case .error: .red
        case .warning: .yellow
        case .note: .cyan
        }
    }

    /// Writes input by input; each input's findings come from one sort of all findings by input and
    /// locator (`ExternalSort`, bounded memory), so no input's findings are ever held together.
    func render(to out: inout ReportOutput, scratch: ScratchSpools) {
        let index = ReportIndex(report)
        guard !options.summaryOnly else {
            out += summary(index)
            return
        }
        let findings = placeOrdered(report.findings, sourceOrdinal: index.sourceOrdinal, scratch: scratch)
        var pending = findings.next()
        var lines = ByteBuffer()
        for (ordinal, source) in index.sources.enumerated() {
            let input = index.input(named: source)
            let facts = index.facts(of: source)
            var header = styled(Escape.singleLine(source), .bold)
            if let skipped = input?.skipped {
                // A file in a folder that is no usage input: listed, not audited.
                out += header + " (skipped: " + Escape.singleLine(skipped) + ")\n"
                continue
            }
            header +=
                " (\(input.map { Escape.singleLine($0.kind) + ", " } ?? "")\(ReportIndex.plural(index.messageCount(of: source), "message")))"
            if facts.findings == 0 && input?.readError == nil { header += ": no findings" }
            out += header + "\n"
            if let readError = input?.readError {
                out += "  " + styled("could not be read:", .red) + " " + Escape.singleLine(readError) + "\n"
            }
            let whereWidth = facts.widestPlace
            while let (key, finding) = pending, key.source == ordinal {
                // A record that cannot be read ends the list, as a failed read does.
                guard finding.withRecord({ write($0, whereWidth: whereWidth, to: &lines) }) else {
                    pending = nil
                    break
                }
                out.append(lines)
                lines.removeAll()
                pending = findings.next()
            }
            out += "\n"
        }
        if report.hosts.count > 1 { out += hostTable() }
        out += summary(index)
    }

    /// One finding's lines, written from its record's bytes: where it is, its severity, rule and pointer;
    /// its message; its sender, when a capture saw it.
    private func write(_ finding: Finding.RecordView, whereWidth: Int, to out: inout ByteBuffer) {
        func spaces(_ count: Int) {
            var rest = count
            while rest > 0 {
                let run = min(rest, Self.blanks.utf8CodeUnitCount)
                out.append(contentsOf: UnsafeRawBufferPointer(start: Self.blanks.utf8Start, count: run))
                rest -= run
            }
        }
        func styled(_ style: Style, _ body: (inout ByteBuffer) -> Void) {
            guard options.color else { return body(&out) }
            out.append(0x1B)
            out.append("[")
            out.append(utf8: style.rawValue)
            out.append("m")
            body(&out)
            out.append(0x1B)
            out.append("[0m")
        }
        out.append("  ")
        if let locator = finding.locator {
            out.append(utf8: locator.kind)
            out.append(" ")
            out.append(decimal: Int64(locator.number))
        } else {
            out.append("input")
        }
        spaces(whereWidth - ReportIndex.placeWidth(finding.locator) + 2)
        let severity = finding.severity.rawValue
        styled(severityStyle(finding.severity)) { $0.append(utf8: severity) }
        spaces(8 - severity.utf8.count)
        out.append(contentsOf: finding.rule)
        out.append("  at ")
        styled(.dim) { Self.appendPointer(finding, to: &$0) }
        out.append("\n  ")
        spaces(whereWidth + 2)
        Escape.appendSingleLine(finding.message, to: &out)
        out.append("\n")
        if let network = finding.network {
            out.append("  ")
            spaces(whereWidth + 2)
            // `ReportIndex.senderText`, each part made single-line (which maps character by character).
            styled(.dim) { out in
                out.append("sent by ")
                Escape.appendSingleLine(network.from, to: &out)
                out.append(" at ")
                Escape.appendSingleLine(network.time, to: &out)
                if let interface = network.interface {
                    out.append(" on ")
                    Escape.appendSingleLine(interface, to: &out)
                }
            }
            out.append("\n")
        }
    }

    /// Padding, appended a run at a time.
    private static let blanks: StaticString = "                                "

    /// `ReportIndex.pointerText` of a finding's record, made single-line: the root in words, else each
    /// token after a `/` with `~` and `/` escaped as JSON Pointer does.
    private static func appendPointer(_ finding: Finding.RecordView, to out: inout ByteBuffer) {
        guard finding.pointerTokens.count > 0 else {
            return out.append(finding.locator == nil ? "(whole input)" : "(whole message)")
        }
        var printable = true
        finding.pointerTokens.forEach { token in printable = printable && Escape.isPrintableASCII(token) }
        guard printable else {
            // Made single-line as a whole, as `Escape.singleLine` sees it.
            var pointer = ByteBuffer()
            appendPointerTokens(finding, to: &pointer)
            return pointer.withUnsafeBytes { Escape.appendSingleLine($0, to: &out) }
        }
        appendPointerTokens(finding, to: &out)
    }

    private static func appendPointerTokens(_ finding: Finding.RecordView, to out: inout ByteBuffer) {
        finding.pointerTokens.forEach { token in
            out.append(UInt8(ascii: "/"))
            for byte in token {
                switch byte {
                case UInt8(ascii: "~"): out.append("~0")
                case UInt8(ascii: "/"): out.append("~1")
                default: out.append(byte)
                }
            }
        }
    }

    /// The senders of a multi-host capture, most errors first: which machines leak, and what they run.
    private func hostTable() -> String {
        let rows = report.hosts.map { host in
            [
                Escape.singleLine(host.address), String(host.messages), String(host.count(.error)),
                String(host.count(.warning)), String(host.count(.note)),
                Escape.singleLine((host.generations + host.parslVersions).joined(separator: " ")),
            ]
        }
        let header = ["sender", "messages", "errors", "warnings", "notes", "generations and versions"]
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }
        var out = styled("Senders", .bold) + "\n  " + styled(line(header), .dim) + "\n"
        for row in rows { out += "  " + line(row) + "\n" }
        return out + "\n"
    }

    /// Findings about the whole input first, then by locator, keeping the report's order among equals: a
    /// finding made when the run ends (a session left open) then sits beside its message.
    static func locatorOrderKey(_ finding: Finding, position: Int, sourceOrdinal: [String: Int]) -> PlaceKey {
        MessageMatch.key(finding.source, finding.locator, position, sourceOrdinal)
    }

    /// A finding as the sort gives it back: its spooled record, or the finding itself when the list was
    /// held in memory (or changed as it was read).
    private enum SortedFinding {
        case record(SpooledRecord)
        case finding(Finding)

        /// Hands `body` the finding's record; false when the record cannot be read.
        func withRecord(_ body: (Finding.RecordView) -> Void) -> Bool {
            let read = { (decoder: inout SpoolDecoder) throws(SpoolError) in
                body(try Finding.RecordView(reading: &decoder))
            }
            switch self {
            case .record(let record): return (try? record.read(read)) != nil
            case .finding(let finding): return (try? SpoolDecoder.reading(finding, read)) != nil
            }
        }
    }

    /// The findings sorted by input and locator (`ExternalSort`). A spooled list is sorted as its records'
    /// bytes (`SpooledRecord`), each record read once, when it is written: sorting decoded findings encoded
    /// and decoded each of them again. What preparation added to a finding (fingerprint, region, baseline
    /// mark) is not read back: this report shows none of it.
    private func placeOrdered(_ findings: AuditList<Finding>, sourceOrdinal: [String: Int], scratch: ScratchSpools)
        -> AnyIterator<(key: PlaceKey, element: SortedFinding)>
    {
        var records = ReportSort<PlaceKey, SpooledRecord>(scratch: scratch)
        var position = 0
        // Nearly every finding names the source the one before it named: its ordinal is looked up once.
        var lastSource: (bytes: [UInt8], ordinal: Int)?
        let spooled = findings.forEachRecord(amendedBy: ReportPreparation.Amendment.self, keeps: \.isKept) {
            decoder, _ throws(SpoolError) in
            let record = SpooledRecord(copying: decoder)
            let view = try Finding.RecordView.Front(reading: &decoder)
            decoder.skipRest()
            let ordinal: Int
            if let lastSource, lastSource.bytes.hasSameBytes(as: view.source) {
                ordinal = lastSource.ordinal
            } else {
                ordinal = sourceOrdinal[String(decoding: view.source, as: UTF8.self)] ?? Int.max
                lastSource = (Array(view.source), ordinal)
            }
            records.add(record, key: PlaceKey(source: ordinal, locator: view.locator, sequence: position))
            position += 1
        }
        guard spooled else {
            var sort = ReportSort<PlaceKey, Finding>(scratch: scratch)
            for (position, finding) in findings.enumerated() {
                sort.add(finding, key: Self.locatorOrderKey(finding, position: position, sourceOrdinal: sourceOrdinal))
            }
            var sorted = sort.sorted().makeIterator()
            return AnyIterator { sorted.next().map { ($0.key, .finding($0.element)) } }
        }
        var sorted = records.sorted().makeIterator()
        return AnyIterator { sorted.next().map { ($0.key, .record($0.element)) } }
    }

    private func summary(_ index: ReportIndex) -> String {
        let unreadable = report.inputs.count { $0.readError != nil }
        var line = "Summary: \(ReportIndex.plural(report.inputs.count, "input"))"
        if unreadable > 0 { line += " (\(unreadable) unreadable)" }
        line += ", \(ReportIndex.plural(report.messages.count, "message")) (\(report.unparsedCount) unparsed"
        if report.observationCount != report.messages.count {
            line += ", \(ReportIndex.plural(report.observationCount, "observation"))"
        }
        line += "); "
        line += index.counts.map { severity, count in
            let text = ReportIndex.plural(count, severity.rawValue)
            return count > 0 ? styled(text, severityStyle(severity)) : text
        }.joined(separator: ", ")
        var out = line + ".\n"
        if report.baselineApplied {
            out +=
                "Baseline: \(ReportIndex.plural(report.baselinedCount, "finding")) already in it, not counted toward --fail-on.\n"
        }
        let failing = index.failingCount(options.failOn)
        if unreadable > 0 {
            out += styled("Result: failed: an input could not be read.", .red) + "\n"
        } else if failing > 0 {
            out +=
                styled(
                    "Result: failed: \(ReportIndex.plural(failing, "finding")) at or above --fail-on \(options.failOn.rawValue).",
                    .red) + "\n"
        } else {
            out += styled("Result: passed (--fail-on \(options.failOn.rawValue)).", .green) + "\n"
        }
        return out
    }
}
