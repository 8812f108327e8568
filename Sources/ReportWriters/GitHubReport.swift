import AuditModel

/// GitHub Actions workflow commands: one annotation per finding, which the runner shows on the job and, for
/// a file of the repository, beside that file in a pull request.
///
/// `::error file=F,line=N,title=RULE::message`: `error`, `warning` or `notice` after the severity; the line
/// for line-based inputs; for a packet or record, which one goes in the title (`RULE (packet 7)`), since
/// annotations have no other place for it. A baselined finding is a `notice` titled `RULE (... baselined)`:
/// still visible, not presented as a failure. An input that could not be read is an `error` too, titled
/// `input.unreadable` as in JUnit, though no finding names it, so the job's annotations say why it failed.
/// Standard input (`-`) names no file.
///
/// Properties and message are escaped as GitHub's toolkit escapes them (`@actions/core`'s `escapeData` and
/// `escapeProperty`), so a message cannot end its command or start another; other control and bidi
/// characters are then made visible, as in every report.
struct GitHubReport {
    let report: AuditReport

    func render(to out: inout ReportOutput) {
        for input in report.inputs {
            guard let readError = input.readError else { continue }
            out += Self.command(
                "error", properties: Self.fileProperty(input.source) + [("title", "input.unreadable")],
                message: "could not read \(input.source): \(readError)")
        }
        for finding in report.findings { out += Self.annotation(finding) }
    }

    static func annotation(_ finding: Finding) -> String {
        var properties = fileProperty(finding.source)
        var qualifiers: [String] = []
        switch finding.locator {
        case .line(let line): properties.append(("line", String(line)))
        case .packet, .record: qualifiers.append(finding.locator!.description)
        case nil: break
        }
        if finding.baselined { qualifiers.append("baselined") }
        let title = finding.rule + (qualifiers.isEmpty ? "" : " (\(qualifiers.joined(separator: ", ")))")
        properties.append(("title", title))
        var message = finding.message
        if !finding.pointer.isRoot { message += " (at \(finding.pointer.description))" }
        if let network = finding.network {
            message += " (sent by \(network.from) at \(network.time)\(network.interface.map { " on \($0)" } ?? ""))"
        }
        return command(finding.baselined ? "notice" : level(finding.severity), properties: properties, message: message)
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "notice"
        }
    }

    private static func fileProperty(_ source: String) -> [(String, String)] {
        source == "-" ? [] : [("file", source)]
    }

    static func command(_ name: String, properties: [(String, String)], message: String) -> String {
        let list = properties.map { "\($0)=\(escapeProperty($1))" }.joined(separator: ",")
        return "::\(name)\(list.isEmpty ? "" : " " + list)::\(escapeData(message))\n"
    }

    /// `escapeData` of GitHub's toolkit: `%`, carriage return and line feed.
    static func escapeData(_ text: String) -> String { escape(text, property: false) }

    /// `escapeProperty` of GitHub's toolkit: as `escapeData`, and `:` and `,`, which end a property.
    static func escapeProperty(_ text: String) -> String { escape(text, property: true) }

    /// Other controls and bidi controls become visible text, as in every report.
    private static func escape(_ text: String, property: Bool) -> String {
        Escape.replacingScalars(in: text, unlessFreeOf: special) { replacement($0, property: property) }
    }

    /// The ASCII that `replacement` may replace.
    static let special = Escape.ASCIISet(controlsAnd: "%:,")

    static func replacement(_ scalar: Unicode.Scalar, property: Bool) -> String? {
        switch scalar {
        case "%": "%25"
        case "\r": "%0D"
        case "\n": "%0A"
        case ":" where property: "%3A"
        case "," where property: "%2C"
        default: Escape.visibleIfControl(scalar)
        }
    }
}
