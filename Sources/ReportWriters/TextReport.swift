import AuditModel

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

    func render() -> String {
        let index = ReportIndex(report)
        var out = ""
        for source in index.sources {
            let input = index.input(named: source)
            let findings = Self.inLocatorOrder(index.findings(of: source))
            let messageCount = index.messageCount(of: source)
            var header = styled(Escape.singleLine(source), .bold)
            header +=
                " (\(input.map { Escape.singleLine($0.kind) + ", " } ?? "")\(ReportIndex.plural(messageCount, "message")))"
            if findings.isEmpty && input?.readError == nil { header += ": no findings" }
            out += header + "\n"
            if let readError = input?.readError {
                out += "  " + styled("could not be read:", .red) + " " + Escape.singleLine(readError) + "\n"
            }
            let whereWidth = findings.map { whereText($0).count }.max() ?? 0
            for finding in findings {
                let place = whereText(finding)
                let padding = String(repeating: " ", count: whereWidth - place.count)
                let severity = finding.severity.rawValue
                out += "  \(place)\(padding)  "
                out += styled(severity, severityStyle(finding.severity))
                out += String(repeating: " ", count: 8 - severity.count)
                out += finding.rule + "  at " + styled(Escape.singleLine(ReportIndex.pointerText(finding)), .dim) + "\n"
                out += "  " + String(repeating: " ", count: whereWidth + 2) + Escape.singleLine(finding.message) + "\n"
            }
            out += "\n"
        }
        out += summary(index)
        return out
    }

    /// Findings about the whole input first, then by locator, keeping the report's order among equals: a
    /// finding made when the run ends (a session left open) then sits beside its message.
    static func inLocatorOrder(_ findings: [Finding]) -> [Finding] {
        findings.enumerated().sorted { lhs, rhs in
            switch (lhs.element.locator, rhs.element.locator) {
            case (nil, nil): return lhs.offset < rhs.offset
            case (nil, _): return true
            case (_, nil): return false
            case (let left?, let right?): return left == right ? lhs.offset < rhs.offset : left < right
            }
        }.map(\.element)
    }

    /// `packet 11`, or `input` for a finding about the whole input.
    private func whereText(_ finding: Finding) -> String { finding.locator?.description ?? "input" }

    private func summary(_ index: ReportIndex) -> String {
        let unreadable = report.inputs.count { $0.readError != nil }
        var line = "Summary: \(ReportIndex.plural(report.inputs.count, "input"))"
        if unreadable > 0 { line += " (\(unreadable) unreadable)" }
        line += ", \(ReportIndex.plural(report.messages.count, "message")) (\(report.unparsedCount) unparsed); "
        line += ReportIndex.counts(report.findings).map { severity, count in
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
