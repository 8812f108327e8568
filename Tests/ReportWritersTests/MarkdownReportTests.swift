import AuditModel
import Foundation
import Testing

@testable import ReportWriters

@Suite struct MarkdownReportTests {
    let report = SampleReports.mixed()

    @Test func summaryTablesThenFindingsMostSevereFirst() {
        let markdown = ReportWriter.render(report, format: .markdown)
        #expect(markdown.hasPrefix("### ❌ usage-audit: 16 errors, 3 warnings, 2 notes\n"))
        #expect(markdown.contains("| error | 16 |\n| warning | 3 |\n| note | 2 |\n"))
        #expect(markdown.contains("| `privacy.forbidden-field` | error | 3 |\n"))
        #expect(markdown.contains("> **Could not read** `missing.ndjson`: No such file or directory\n"))
        let rows = markdown.split(separator: "\n").filter {
            $0.hasPrefix("| error |") || $0.hasPrefix("| warning |") || $0.hasPrefix("| note |")
        }
        let findingRows = rows.filter { $0.contains("`") }
        #expect(findingRows.count == report.findings.count)
        let severities = findingRows.map { $0.split(separator: "|")[0].trimmingCharacters(in: .whitespaces) }
        #expect(
            severities
                == severities.sorted {
                    ($0 == "error" ? 0 : $0 == "warning" ? 1 : 2) < ($1 == "error" ? 0 : $1 == "warning" ? 1 : 2)
                })
    }

    /// Files of a folder that hold no usage input are named under the verdict (the first few; a folder may
    /// hold thousands), so a reader knows they were not checked.
    @Test func skippedInputsAreNamedUpToAFewThenCounted() {
        var inputs = (1...7).map { InputSummary(source: "runinfo/notes\($0).txt", kind: "none", skipped: "no usage message") }
        inputs.append(InputSummary(source: "runinfo/lo.pcap", kind: "pcap"))
        let markdown = ReportWriter.render(AuditReport(inputs: inputs, messages: [], findings: [], rules: []), format: .markdown)
        #expect(markdown.contains(
            "\nSkipped (no usage input in them, not checked): `runinfo/notes1.txt`, `runinfo/notes2.txt`, "
                + "`runinfo/notes3.txt`, `runinfo/notes4.txt`, `runinfo/notes5.txt` and 2 more.\n"))
        #expect(!markdown.contains("lo.pcap`, "))
        #expect(!ReportWriter.render(report, format: .markdown).contains("Skipped"))
    }

    /// So are unreadable inputs (a shell glob may name thousands): the comment stays short.
    @Test func unreadableInputsAreNamedUpToAFewThenCounted() {
        let inputs = (1...8).map { InputSummary(source: "lo\($0).pcap", kind: "pcap", readError: "Permission denied") }
        let markdown = ReportWriter.render(AuditReport(inputs: inputs, messages: [], findings: [], rules: []), format: .markdown)
        #expect(markdown.matches(of: /> \*\*Could not read\*\* `lo\d.pcap`: Permission denied\n/).count == 5)
        #expect(markdown.contains("\n> **Could not read** 3 more inputs.\n"))
    }

    @Test func userDataCannotBreakTheTableOrInjectMarkup() {
        let markdown = ReportWriter.render(report, format: .markdown)
        #expect(!markdown.contains("<script>"))
        #expect(!markdown.contains("</pre>"))
        #expect(
            markdown.contains(
                #"evil&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;\\u001b\[31m\]\]&gt;&amp;\\u0000x"#))
        for line in markdown.split(separator: "\n") where line.hasPrefix("| error | `") {
            // Six cell boundaries: no unescaped `|` from a message splits a row.
            var unescaped = 0
            var escaped = false
            for character in line {
                if character == "|" && !escaped { unescaped += 1 }
                escaped = character == "\\" && !escaped
            }
            #expect(unescaped == 6, "\(line)")
        }
    }

    @Test func longListsCollapseAndStayUnderTheCommentLimit() {
        let markdown = ReportWriter.render(SampleReports.many(5_000), format: .markdown)
        #expect(markdown.utf8.count < 65_536)
        #expect(
            markdown.contains(
                "<details><summary>\(MarkdownReport.listedFindings - MarkdownReport.shownFindings) more findings</summary>\n\n"
            ))
        #expect(
            markdown.contains(
                "\n…and \(5_000 - MarkdownReport.listedFindings) more findings not listed here; see the full report.\n")
        )
        let short = ReportWriter.render(SampleReports.many(3), format: .markdown)
        #expect(!short.contains("<details>"))
        #expect(!short.contains("more findings"))
    }

    @Test func longMessagesAreCut() {
        var builder = SampleReports.Builder()
        builder.input("x.wire", kind: "wire")
        builder.message(
            "x.wire", .line(1), .start, level: 2, correlator: nil, generation: nil, payload: nil,
            findings: [("schema.violation", .error, "/a", String(repeating: "x", count: 5_000), [])])
        let markdown = ReportWriter.render(builder.report(), format: .markdown)
        #expect(markdown.contains(String(repeating: "x", count: MarkdownReport.messageLimit - 1) + "… |"))
        #expect(!markdown.contains(String(repeating: "x", count: MarkdownReport.messageLimit)))
    }

    @Test func cleanRunSaysSo() {
        #expect(
            ReportWriter.render(SampleReports.clean(), format: .markdown) == """
                ### ✅ usage-audit: 0 errors, 0 warnings, 0 notes

                2 messages in 1 input (0 unparsed). Passes at `--fail-on error`.

                No findings.

                """)
    }

    @Test func aSingleLineKeepsPrintableTextAndShowsEveryControlAndBidiCharacter() {
        // Printable ASCII (the fast path) and printable Unicode come back as they are.
        for text in ["", "plain text ~!@#$%^&*()_+{}|:<>?", "café 東京 🚀", String(repeating: "x", count: 100)] {
            #expect(Escape.singleLine(text) == text)
        }
        // Each control (C0, DEL, C1) and bidi control, alone or among ASCII and non-ASCII text, is made visible.
        for scalar in ["\t", "\n", "\r", "\u{0}", "\u{1B}", "\u{7F}", "\u{85}", "\u{9F}", "\u{202E}", "\u{2066}", "\u{200F}", "\u{61C}"] {
            for text in [scalar, "abc" + scalar + "def", "é" + scalar] {
                let shown = Escape.singleLine(text)
                #expect(shown != text)
                #expect(!shown.unicodeScalars.contains { Escape.isControl($0) || Escape.isDeceptiveFormatCharacter($0) })
            }
        }
    }

    @Test func codeSpansSurviveBackticksAndPipes() {
        #expect(Escape.markdownCode("a`b|c") == "``a`b\\|c``")
        #expect(Escape.markdownCode("`x") == "`` `x ``")
    }

    @Test func snapshots() throws {
        try assertSnapshot(ReportWriter.render(report, format: .markdown), named: "mixed.md")
        try assertSnapshot(ReportWriter.render(SampleReports.many(30), format: .markdown), named: "many.md")
    }
}
