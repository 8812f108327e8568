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
        var sort = ReportSort<Finding>(scratch: scratch)
        for (position, finding) in report.findings.enumerated() {
            sort.add(
                finding, key: Self.locatorOrderKey(finding, position: position, sourceOrdinal: index.sourceOrdinal))
        }
        var findings = sort.sorted().makeIterator()
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
            while let (key, finding) = pending, key.a == ordinal {
                let place = ReportIndex.placeText(finding)
                let padding = String(repeating: " ", count: whereWidth - place.count)
                let severity = finding.severity.rawValue
                out += "  \(place)\(padding)  "
                out += styled(severity, severityStyle(finding.severity))
                out += String(repeating: " ", count: 8 - severity.count)
                out += finding.rule + "  at " + styled(Escape.singleLine(ReportIndex.pointerText(finding)), .dim) + "\n"
                out += "  " + String(repeating: " ", count: whereWidth + 2) + Escape.singleLine(finding.message) + "\n"
                pending = findings.next()
            }
            out += "\n"
        }
        out += summary(index)
    }

    /// Findings about the whole input first, then by locator, keeping the report's order among equals: a
    /// finding made when the run ends (a session left open) then sits beside its message.
    static func locatorOrderKey(_ finding: Finding, position: Int, sourceOrdinal: [String: Int]) -> SortKey {
        MessageMatch.key(finding.source, finding.locator, position, sourceOrdinal)
    }

    private func summary(_ index: ReportIndex) -> String {
        let unreadable = report.inputs.count { $0.readError != nil }
        var line = "Summary: \(ReportIndex.plural(report.inputs.count, "input"))"
        if unreadable > 0 { line += " (\(unreadable) unreadable)" }
        line += ", \(ReportIndex.plural(report.messages.count, "message")) (\(report.unparsedCount) unparsed); "
        line += index.counts.map { severity, count in
            let text = ReportIndex.plural(count, severity.rawValue)
            return count > 0 ? styled(text, severityStyle(severity)) : text
        }.joined(separator: ", ")
        var out = line + ".\n"
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
