import AuditModel
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
                let place = ReportIndex.placeText(finding)
                let padding = String(repeating: " ", count: whereWidth - place.count)
                let severity = finding.severity.rawValue
                out += "  \(place)\(padding)  "
                out += styled(severity, severityStyle(finding.severity))
                out += String(repeating: " ", count: 8 - severity.count)
                out += finding.rule + "  at " + styled(Escape.singleLine(ReportIndex.pointerText(finding)), .dim) + "\n"
                out += "  " + String(repeating: " ", count: whereWidth + 2) + Escape.singleLine(finding.message) + "\n"
                if let network = finding.network {
                    out += "  " + String(repeating: " ", count: whereWidth + 2)
                        + styled(Escape.singleLine(ReportIndex.senderText(network)), .dim) + "\n"
                }
                pending = findings.next()
            }
            out += "\n"
        }
        if report.hosts.count > 1 { out += hostTable() }
        out += summary(index)
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

    /// The findings sorted by input and locator (`ExternalSort`). A spooled list is sorted as its records'
    /// bytes (`SpooledRecord`), each finding decoded once, when it is written: sorting decoded findings
    /// encoded and decoded each of them again. What preparation added to a finding (fingerprint, region,
    /// baseline mark) is not read back: this report shows none of it.
    private func placeOrdered(_ findings: AuditList<Finding>, sourceOrdinal: [String: Int], scratch: ScratchSpools)
        -> AnyIterator<(key: PlaceKey, element: Finding)>
    {
        var records = ReportSort<PlaceKey, SpooledRecord>(scratch: scratch)
        var position = 0
        // Nearly every finding names the source the one before it named: its ordinal is looked up once.
        var lastSource: (bytes: [UInt8], ordinal: Int)?
        let spooled = findings.forEachRecord(amendedBy: ReportPreparation.Amendment.self, keeps: \.isKept) {
            decoder, _ throws(SpoolError) in
            let record = SpooledRecord(copying: decoder)
            let view = try Finding.RecordView(reading: &decoder)
            let ordinal: Int
            if let lastSource, lastSource.bytes.elementsEqual(view.source) {
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
            return AnyIterator { sorted.next() }
        }
        var sorted = records.sorted().makeIterator()
        return AnyIterator {
            // A record that was read once reads again; one that would not ends the list, as a failed read does.
            guard let (key, record) = sorted.next(), let finding = try? record.decode(Finding.self) else { return nil }
            return (key, finding)
        }
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
            out += "Baseline: \(ReportIndex.plural(report.baselinedCount, "finding")) already in it, not counted toward --fail-on.\n"
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
