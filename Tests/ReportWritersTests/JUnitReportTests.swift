import AuditModel
import Foundation
import Testing

@testable import ReportWriters

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct JUnitReportTests {
    let report = SampleReports.mixed()

    private func parse(_ xml: String) throws -> XMLElement {
        let document = try XMLDocument(data: Data(xml.utf8), options: [])
        return try #require(document.rootElement())
    }

    private func attribute(_ element: XMLElement, _ name: String) -> String? {
        element.attribute(forName: name)?.stringValue
    }

    private func suites(_ root: XMLElement) -> [XMLElement] { root.elements(forName: "testsuite") }

    @Test func parsesWithAStandardXMLParserWithTheRightCounts() throws {
        let root = try parse(ReportWriter.render(report, format: .junit))
        #expect(root.name == "testsuites")
        let suites = suites(root)
        #expect(
            suites.map { attribute($0, "name") } == [
                "captures/lo.pcap", "runinfo/000/parsl.log", "wire.txt", "missing.ndjson",
            ])

        for suite in suites {
            let cases = suite.elements(forName: "testcase")
            #expect(attribute(suite, "tests") == String(cases.count))
            #expect(attribute(suite, "failures") == String(cases.count { !$0.elements(forName: "failure").isEmpty }))
            #expect(attribute(suite, "errors") == String(cases.count { !$0.elements(forName: "error").isEmpty }))
            #expect(attribute(suite, "skipped") == String(cases.count { !$0.elements(forName: "skipped").isEmpty }))
        }
        // lo.pcap: four messages plus the whole-input finding, each with an error.
        let pcap = suites[0]
        #expect(
            pcap.elements(forName: "testcase").map { attribute($0, "name") } == [
                "input", "packet 5 start", "packet 11 start", "packet 12 end", "packet 14 unknown",
            ])
        #expect(attribute(pcap, "tests") == "5")
        #expect(attribute(pcap, "failures") == "5")
        #expect(attribute(pcap, "errors") == "0")
        // One <failure> per error finding, typed by rule; the note and the warning stay out of failures.
        let packet5 = pcap.elements(forName: "testcase")[1]
        #expect(
            packet5.elements(forName: "failure").map { attribute($0, "type") } == [
                "privacy.user-code-identifier", "privacy.personal-data",
            ])
        #expect(packet5.elements(forName: "system-out").first?.stringValue?.contains("privacy.project-name") == true)
        let failures = try root.nodes(forXPath: "//failure").count
        #expect(failures == report.count(.error))

        // wire.txt: the end without start is only a note, and line 3 had no finding: they pass.
        let wire = suites[2]
        #expect(attribute(wire, "tests") == "3")
        #expect(attribute(wire, "failures") == "1")
        // An unreadable input is an error, not a failure.
        let missing = suites[3]
        #expect(attribute(missing, "tests") == "1")
        #expect(attribute(missing, "errors") == "1")
        #expect(
            missing.elements(forName: "testcase").first?.elements(forName: "error").first.flatMap {
                attribute($0, "message")
            } == "No such file or directory")
        #expect(attribute(root, "tests") == "10")
    }

    @Test func warningsFailAtFailOnWarning() throws {
        let root = try parse(ReportWriter.render(report, format: .junit, options: .init(failOn: .warning)))
        #expect(try root.nodes(forXPath: "//failure").count == report.count(.error) + report.count(.warning))
        let never = try parse(ReportWriter.render(report, format: .junit, options: .init(failOn: .never)))
        #expect(try never.nodes(forXPath: "//failure").count == report.count(.error))
    }

    @Test func hostileContentSurvivesAsTextAndKeepsTheDocumentWellFormed() throws {
        let xml = ReportWriter.render(report, format: .junit)
        // XML 1.0 forbids NUL and ESC even as references: they must appear as visible escapes.
        #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        let root = try parse(xml)
        let messages = try root.nodes(forXPath: "//failure[@type='privacy.user-code-identifier']/@message").compactMap(
            \.stringValue)
        #expect(
            messages.contains(
                #"component 'evil</pre><script>alert(1)</script>\u001b[31m]]>&\u0000x' names code outside Parsl"#))
    }

    @Test func undecodedMessagesWithoutFailureAreSkipped() throws {
        var builder = SampleReports.Builder()
        builder.input("odd.wire", kind: "wire")
        builder.message(
            "odd.wire", .line(1), .unknown, level: nil, correlator: nil, generation: nil, parsed: false, payload: nil,
            findings: [])
        let root = try parse(ReportWriter.render(builder.report(), format: .junit))
        #expect(attribute(suites(root)[0], "skipped") == "1")
    }

    @Test func snapshot() throws {
        try assertSnapshot(ReportWriter.render(report, format: .junit), named: "mixed.junit.xml")
    }
}
