import AuditModel
import Crypto
import Foundation
import JSONCore
import Testing

@testable import ReportWriters

@Suite struct HTMLReportTests {
    let report = SampleReports.mixed()

    private var html: String { ReportWriter.render(report, format: .html) }

    @Test func referencesNothingOutsideTheFile() {
        for page in [
            html, ReportWriter.render(report, format: .html, options: .init(redact: true)),
            ReportWriter.render(SampleReports.clean(), format: .html),
        ] {
            let lowercased = page.lowercased()
            #expect(lowercased.firstMatch(of: /(src|href|action|poster|srcset)\s*=\s*["']?\s*(https?:)?\/\//) == nil)
            #expect(lowercased.firstMatch(of: /url\(\s*["']?\s*(https?:)?\/\//) == nil)
            #expect(!lowercased.contains("@import"))
            #expect(!lowercased.contains("<link"))
            #expect(!lowercased.contains("<iframe"))
            #expect(!lowercased.contains("<img"))
            // Links only to anchors inside the page.
            for match in page.matches(of: /href="([^"]*)"/) { #expect(match.1.hasPrefix("#"), "\(match.1)") }
            #expect(page.matches(of: /<script/).count == 1)
            #expect(
                page.contains(
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src '\(HTMLReport.scriptHash)'\">"
                ))
        }
    }

    /// The policy allows the inline script by hash; a hash that does not match would silently disable it.
    @Test func policyHashMatchesTheScriptAsWritten() throws {
        let script = try #require(html.firstMatch(of: /<script>(.*?)<\/script>/.dotMatchesNewlines())?.1)
        #expect("sha256-" + Data(SHA256.hash(data: Array(String(script).utf8))).base64EncodedString() == HTMLReport.scriptHash)
    }

    @Test func everythingFromAMessageIsEscaped() {
        let page = html
        #expect(!page.contains("<script>alert"))
        #expect(!page.contains("evil</pre>"))
        #expect(page.contains("evil&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;\\u001b[31m]]&gt;&amp;\\u0000x"))
        #expect(!page.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
    }

    @Test func marksTheOffendingPartAtItsPointer() {
        let page = html
        // The user's provider class, an array element: the value is marked.
        #expect(
            page.contains(
                #"<mark class="error" id="f-0" title="privacy.user-code-identifier">&quot;acme_genomics.cluster.AcmeProvider&quot;</mark>"#
            ))
        // An object member: key and value are marked, with the rules of every finding there.
        #expect(
            page.contains(
                #"<mark class="error" id="f-1" title="privacy.personal-data, privacy.project-name">&quot;project_name&quot;: &quot;alice@uni.edu variant-calling&quot;</mark>"#
            ))
        #expect(
            page.contains(
                #"<mark class="error" id="f-10" title="privacy.forbidden-field">&quot;uname&quot;: &quot;3c2f1a9b0e&quot;</mark>"#
            ))
        // Nested pointers nest marks: the level-1 components array holds the marked IP address.
        #expect(
            page.contains(#"<mark class="error" id="f-17" title="level.config-disclosed">&quot;components&quot;: ["#))
        #expect(
            page.contains(
                #"<mark class="error" id="f-18" title="privacy.personal-data">&quot;address&quot;: &quot;192.168.4.7&quot;</mark>"#
            ))
        // The findings table links to the marks, and to the card for whole-message findings.
        #expect(page.contains(##"<a href="#f-0">packet 5</a>"##))
        #expect(page.contains(##"<a href="#m-3">packet 14</a>"##))
        #expect(page.contains("The message could not be decoded; there is no content to show."))
        // Balanced marks.
        #expect(page.matches(of: #/<mark /#).count == page.matches(of: #/</mark>/#).count)
    }

    @Test func disclosureMatrixShowsObservedBesideAllowed() throws {
        let page = html
        let matrix = try #require(page.firstMatch(of: /<table class="matrix">.*?<\/table>/.dotMatchesNewlines())?.0)
        func row(_ field: String, _ message: String) -> Substring? {
            matrix.split(separator: "\n").first {
                $0.hasPrefix("<tr><td><code>\(field)</code></td><td>\(message)</td>")
                    || $0.hasPrefix("<tr class=\"unknown\"><td><code>\(field)</code></td><td>\(message)</td>")
            }
        }
        // components: not allowed at level 1, seen there once (the hostile wire message); allowed and seen at 2 and 3.
        let components = try #require(row("components", "start"))
        #expect(
            components.contains(
                #"<td class="leak"><span class="forbidden">not allowed</span><br>seen in 1 message</td><td class="seen"><span class="allowed">allowed</span><br>seen in 1 message</td><td class="seen"><span class="allowed">allowed</span><br>seen in 1 message</td>"#
            ))
        // start at level 2 is a leak.
        #expect(
            try #require(row("start", "start")).contains(
                #"<td class="leak"><span class="forbidden">not allowed</span><br>seen in 1 message</td><td class="seen">"#
            ))
        // A field the schemas do not know is listed as such.
        #expect(try #require(row("hostname", "start")).contains("not in the schemas"))
        // Never seen at a level: muted. Old generations have no level: their column shows the hashed names.
        #expect(
            try #require(row("os_v", "start")).contains(
                #"<td class="unseen"><span class="forbidden">not allowed</span></td>"#))
        #expect(matrix.contains("<th>no level (old generations)</th>"))
        #expect(
            try #require(row("uname", "start")).hasSuffix(
                #"<td class="leak"><span class="forbidden">not allowed</span><br>seen in 1 message</td></tr>"#))
        #expect(
            try #require(row("parsl_v", "start")).hasSuffix(
                #"<td class="seen"><span class="allowed">allowed</span><br>seen in 1 message</td></tr>"#))
        #expect(
            try #require(row("start", "start")).hasSuffix(
                #"<td class="unsure"><span class="forbidden">depends on the level</span><br>seen in 1 message</td></tr>"#
            ))
    }

    /// Members of component objects are observed as the schemas name them, and a row counts only the
    /// messages of its own generations.
    @Test func observationFollowsComponentMembersAndGenerations() {
        var builder = SampleReports.Builder()
        builder.input("end.wire", kind: "wire")
        builder.message(
            "end.wire", .line(1), .end, level: 2, correlator: nil, generation: "G4/G5",
            payload:
                #"{"correlator": "x", "end": 1, "components": [{"c": "parsl.dataflow.dflow.DataFlowKernel", "app_count": 6}]}"#,
            findings: [("level.end-message-below-3", .error, "", "an end message for a level-2 session", [])])
        var report = builder.report()
        report.disclosure = DisclosureMatrix(rows: [
            .init(
                field: "components[].app_count", message: "end", discloses: "execution", minimumLevel: 3,
                generations: ["G4", "G5"]),
            .init(
                field: "components[].app_count", message: "end", discloses: "execution", minimumLevel: 3,
                generations: ["G3"]),
        ])
        let rows = ReportWriter.render(report, format: .html).split(separator: "\n").filter {
            $0.hasPrefix("<tr><td><code>components[].app_count</code>")
        }
        #expect(rows.count == 2)
        #expect(
            rows.first?.contains(
                #"<td>G4, G5</td><td class="unseen"><span class="forbidden">not allowed</span></td><td class="leak"><span class="forbidden">not allowed</span><br>seen in 1 message</td>"#
            ) == true)
        #expect(rows.last?.contains("seen in") == false)
    }

    @Test func findingsTableRowsCarryTheirSeverityForFiltering() {
        let page = html
        #expect(page.matches(of: /<tr data-severity="error">/).count == report.count(.error))
        #expect(page.matches(of: /<tr data-severity="warning">/).count == report.count(.warning))
        #expect(page.matches(of: /<tr data-severity="note">/).count == report.count(.note))
    }

    /// A file of a folder that holds no usage input is shown as skipped, with its reason, never as read.
    @Test func skippedInputsAreShownAsSkippedWithTheirReason() {
        let report = AuditReport(
            inputs: [
                InputSummary(source: "runinfo/freeze.txt", kind: "none", skipped: "text with no <usage> line"),
                InputSummary(source: "runinfo/lo.pcap", kind: "pcap"),
            ],
            messages: [], findings: [], rules: [])
        let page = ReportWriter.render(report, format: .html)
        #expect(page.contains("<summary><h3>2 inputs, 1 skipped</h3></summary>"))
        #expect(page.contains(#"<td><span class="skipped">skipped: text with no &lt;usage&gt; line</span></td></tr>"#))
        #expect(page.matches(of: /<td>read<\/td>/).count == 1)
    }

    @Test func aLongListOfInputsStartsFolded() {
        #expect(html.contains("<details open><summary><h3>4 inputs, 1 unreadable</h3></summary>"))
        var builder = SampleReports.Builder()
        for number in 1...25 { builder.input("run\(number).wire", kind: "wire") }
        let page = ReportWriter.render(builder.report(), format: .html)
        #expect(page.contains("<details><summary><h3>25 inputs</h3></summary>"))
        #expect(page.contains("<td>none</td>"))
    }

    @Test func hugeReportsAreCapped() {
        let page = ReportWriter.render(SampleReports.many(HTMLReport.maximumFindingRows + 10), format: .html)
        #expect(page.matches(of: /<tr data-severity=/).count == HTMLReport.maximumFindingRows)
        #expect(page.contains("10 more findings are not listed; the JSON or SARIF report holds them all."))
        #expect(
            page.contains(
                "\(HTMLReport.maximumFindingRows + 10 - HTMLReport.maximumMessageCards) more messages with findings are not shown."
            ))
    }

    @Test func longPayloadsAreCutWithMarksClosed() throws {
        let cut = HTMLReport.cutMarkup("<mark x>a\nbbbb\ncccc</mark>\n", to: 12)
        #expect(cut == "<mark x>a\n</mark>")
    }

    @Test func snapshots() throws {
        try assertSnapshot(html, named: "mixed.html")
    }
}

@Suite struct RedactionAcrossFormatsTests {
    /// Parts of the sensitive values that no mask keeps: if one shows, a value leaked in some form.
    static let telltales = [
        "alice", "AcmeProvider", "genomics", "node17", "192.168.4.7", "10.0.0.5", "3c2f1a9b0e", "a81f0c3d77",
        "00c04fd430c8", "uni.edu",
    ]

    @Test(arguments: ReportFormat.allCases)
    func noSensitiveValueSurvivesRedaction(_ format: ReportFormat) {
        let report = SampleReports.mixed()
        let plain = ReportWriter.render(report, format: format)
        let redacted = ReportWriter.render(report, format: format, options: .init(redact: true))
        // The unredacted report does show them, so the check below is not vacuous.
        #expect(SampleReports.sensitive.contains { plain.contains($0) })
        for value in SampleReports.sensitive + Self.telltales {
            #expect(!redacted.contains(value), "\(format): '\(value)' survived --redact")
        }
        // The masks show, Markdown-escaped in Markdown.
        let unescaped = format == .markdown ? redacted.replacing("\\", with: "") : redacted
        #expect(unescaped.contains("a***@u***.edu"))
        #expect(unescaped.contains("acme_***.***Provider"))
    }

    @Test(arguments: ReportFormat.allCases)
    func snapshotsRedacted(_ format: ReportFormat) throws {
        let names: [ReportFormat: String] = [
            .text: "txt", .json: "json", .sarif: "sarif", .junit: "junit.xml", .markdown: "md", .html: "html",
            .github: "github.txt",
        ]
        try assertSnapshot(
            ReportWriter.render(SampleReports.mixed(), format: format, options: .init(redact: true)),
            named: "mixed-redacted.\(names[format]!)")
    }
}
