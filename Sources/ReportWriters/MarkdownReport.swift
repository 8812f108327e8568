import AuditModel

/// GitHub-flavoured Markdown for a pull-request comment or a CI job summary: the verdict in the heading,
/// counts by level and by rule, then the findings, most severe first. Short by construction: the first
/// findings are shown, the next ones collapse into `<details>`, the rest are counted, messages are cut, and
/// the whole stays under GitHub's comment limit (65,536 characters).
struct MarkdownReport {
    let report: AuditReport
    let options: ReportOptions

    /// Findings shown before the `<details>` fold.
    static let shownFindings = 10
    /// Findings listed in total; the rest are only counted.
    static let listedFindings = 200
    /// Longest finding message, in Unicode scalars.
    static let messageLimit = 200
    /// Size budget for the finding rows; the summary comes on top of it and is small.
    static let findingsBudget = 50_000
    /// Unreadable inputs, and skipped files, named in the summary (a shell glob or a folder may give
    /// thousands); the rest are counted.
    static let namedInputs = 5

    func render(to output: inout ReportOutput) {
        output += render()
    }

    /// The whole comment: short by construction (see the limits above), so it is built in memory.
    private func render() -> String {
        let index = ReportIndex(report)
        let failing = index.failingCount(options.failOn)
        let unreadable = report.inputs.filter { $0.readError != nil }
        let failed = failing > 0 || !unreadable.isEmpty
        var out = "### \(failed ? "❌" : "✅") \(Escape.markdown(report.toolName)): "
        out += index.counts.map { ReportIndex.plural($1, $0.rawValue) }.joined(separator: ", ")
        out += "\n\n"
        out +=
            "\(ReportIndex.plural(report.messages.count, "message")) in \(ReportIndex.plural(report.inputs.count, "input"))"
        out += " (\(report.unparsedCount) unparsed). "
        if report.baselineApplied {
            out += "\(ReportIndex.plural(report.baselinedCount, "finding")) already in the baseline. "
        }
        if failing > 0 {
            out += "Fails at `--fail-on \(options.failOn.rawValue)`: \(ReportIndex.plural(failing, "finding")).\n"
        } else {
            out += "Passes at `--fail-on \(options.failOn.rawValue)`.\n"
        }
        for input in unreadable.prefix(Self.namedInputs) {
            out +=
                "\n> **Could not read** \(Escape.markdownCode(input.source)): \(Escape.markdown(Escape.truncated(input.readError!, to: Self.messageLimit)))\n"
        }
        if unreadable.count > Self.namedInputs {
            out += "\n> **Could not read** \(unreadable.count - Self.namedInputs) more inputs.\n"
        }
        // Files of a folder that hold no usage input: not checked, which a reader of the verdict should know.
        let skipped = report.inputs.filter { $0.skipped != nil }
        if !skipped.isEmpty {
            let named = skipped.prefix(Self.namedInputs).map { Escape.markdownCode($0.source) }
            let more = skipped.count - named.count
            out += "\nSkipped (no usage input in them, not checked): \(named.joined(separator: ", "))"
            out += (more > 0 ? " and \(more) more" : "") + ".\n"
        }
        out += hostTable()
        guard !report.findings.isEmpty else { return out + "\nNo findings.\n" }

        out += "\n| severity | findings |\n|---|---:|\n"
        for (severity, count) in index.counts { out += "| \(severity.rawValue) | \(count) |\n" }

        out += "\n| rule | severity | findings |\n|---|---|---:|\n"
        for (rule, severity, count) in index.ruleCounts() {
            out += "| \(Escape.markdownCode(rule)) | \(severity.rawValue) | \(count) |\n"
        }

        out += "\n#### Findings\n\n"
        let header = "| severity | rule | where | pointer | message |\n|---|---|---|---|---|\n"
        let rows = listedRows()
        out += header + rows.prefix(Self.shownFindings).joined()
        if rows.count > Self.shownFindings {
            out += "\n<details><summary>\(rows.count - Self.shownFindings) more findings</summary>\n\n"
            out += header + rows.dropFirst(Self.shownFindings).joined()
            out += "\n</details>\n"
        }
        if report.findings.count > rows.count {
            out += "\n…and \(report.findings.count - rows.count) more findings not listed here; see the full report.\n"
        }
        return out
    }

    /// The rows listed: findings most severe first, in report order within a severity, up to
    /// `listedFindings` and the size budget. One pass over the findings per severity, stopping as soon as
    /// the list is full.
    private func listedRows() -> [String] {
        var rows: [String] = []
        var budget = Self.findingsBudget
        for severity in Severity.allCases.reversed() where report.count(severity) > 0 {
            for finding in report.findings where finding.severity == severity {
                guard rows.count < Self.listedFindings else { return rows }
                let row = self.row(finding)
                budget -= row.utf8.count
                guard budget >= 0 else { return rows }
                rows.append(row)
            }
        }
        return rows
    }

    /// The senders, most errors first (at most `listedHosts`): which machines leak, and what they run.
    private func hostTable() -> String {
        guard !report.hosts.isEmpty else { return "" }
        var out = "\n| sender | messages | errors | warnings | notes | generations | Parsl versions |\n"
        out += "|---|---:|---:|---:|---:|---|---|\n"
        for host in report.hosts.prefix(Self.listedHosts) {
            out += "| \(Escape.markdownCode(host.address)) | \(host.messages) | \(host.count(.error)) | "
            out += "\(host.count(.warning)) | \(host.count(.note)) | "
            out += Escape.markdown(host.generations.joined(separator: ", ")) + " | "
            out += Escape.markdown(host.parslVersions.joined(separator: ", ")) + " |\n"
        }
        if report.hosts.count > Self.listedHosts {
            out += "\n…and \(report.hosts.count - Self.listedHosts) more senders; see the JSON report.\n"
        }
        return out
    }

    /// Senders listed in the host table.
    static let listedHosts = 50

    private func row(_ finding: Finding) -> String {
        var place = Escape.markdownCode(finding.source) + " " + (finding.locator?.description ?? "(whole input)")
        if let network = finding.network {
            place += "<br>from " + Escape.markdownCode(network.from) + " at " + Escape.markdown(network.time)
        }
        let pointer =
            finding.pointer.isRoot
            ? ReportIndex.pointerText(finding)
            : Escape.markdownCode(Escape.truncated(finding.pointer.description, to: 80))
        return "| \(finding.severity.rawValue) | \(Escape.markdownCode(finding.rule)) | \(place) | \(pointer) | "
            + Escape.markdown(Escape.truncated(finding.message, to: Self.messageLimit)) + " |\n"
    }
}
