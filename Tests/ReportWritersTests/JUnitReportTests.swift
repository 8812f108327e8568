import AuditModel
import Foundation
import Storage
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
        // One <failure> per failing test case, holding every error finding; the note and the warning stay out.
        let packet5 = pcap.elements(forName: "testcase")[1]
        let failure = try #require(packet5.elements(forName: "failure").first)
        #expect(packet5.elements(forName: "failure").count == 1)
        #expect(attribute(failure, "type") == "privacy.user-code-identifier, privacy.personal-data")
        #expect(attribute(failure, "message")?.hasPrefix("2 findings (privacy.user-code-identifier, privacy.personal-data); first: privacy.user-code-identifier: component") == true)
        #expect(failure.stringValue?.contains("error: privacy.user-code-identifier\n") == true)
        #expect(failure.stringValue?.contains("error: privacy.personal-data\n") == true)
        #expect(packet5.elements(forName: "system-out").first?.stringValue?.contains("privacy.project-name") == true)
        for testCase in try root.nodes(forXPath: "//testcase").compactMap({ $0 as? XMLElement }) {
            #expect(testCase.elements(forName: "failure").count <= 1)
        }
        #expect(try failedFindings(root) == ["error": report.count(.error)])

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

    /// The findings listed in failure bodies, counted by severity (each starts with `severity: rule`).
    private func failedFindings(_ root: XMLElement) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for failure in try root.nodes(forXPath: "//failure") {
            for line in (failure.stringValue ?? "").split(separator: "\n") {
                if let match = line.wholeMatch(of: /(error|warning|note): [a-z0-9.-]+/) {
                    counts[String(match.1), default: 0] += 1
                }
            }
        }
        return counts
    }

    @Test func warningsFailAtFailOnWarning() throws {
        let root = try parse(ReportWriter.render(report, format: .junit, options: .init(failOn: .warning)))
        #expect(try failedFindings(root) == ["error": report.count(.error), "warning": report.count(.warning)])
        let never = try parse(ReportWriter.render(report, format: .junit, options: .init(failOn: .never)))
        #expect(try failedFindings(never) == ["error": report.count(.error)])
    }

    @Test func classNamesKeepFileExtensionsFromLookingLikeClasses() throws {
        let root = try parse(ReportWriter.render(report, format: .junit))
        let names = Set(try root.nodes(forXPath: "//testcase/@classname").compactMap(\.stringValue))
        #expect(
            names == [
                "usage-audit.captures/lo_pcap", "usage-audit.runinfo/000/parsl_log", "usage-audit.wire_txt",
                "usage-audit.missing_ndjson",
            ])
        // Jenkins takes what follows the last dot as the class: the whole input path, not its extension.
        #expect(names.allSatisfy { $0.split(separator: ".").count == 2 })
    }

    @Test func baselinedFindingsDoNotFail() throws {
        let everything = Set(ReportPreparation.prepare(report).findings.compactMap(\.fingerprint))
        let accepted = ReportPreparation.prepare(
            report, suppressions: Suppressions(baseline: Baseline(path: "old.json", fingerprints: everything)))
        let root = try parse(ReportWriter.render(accepted, format: .junit))
        #expect(try root.nodes(forXPath: "//failure").isEmpty)
        #expect(try root.nodes(forXPath: "//system-out").compactMap(\.stringValue).joined().contains("in the baseline"))
    }

    @Test func hostileContentSurvivesAsTextAndKeepsTheDocumentWellFormed() throws {
        let xml = ReportWriter.render(report, format: .junit)
        // XML 1.0 forbids NUL and ESC even as references: they must appear as visible escapes.
        #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        let root = try parse(xml)
        let bodies = try root.nodes(forXPath: "//failure[contains(@type, 'privacy.user-code-identifier')]").compactMap(
            \.stringValue)
        #expect(
            bodies.contains {
                $0.contains(#"component 'evil</pre><script>alert(1)</script>\u001b[31m]]>&\u0000x' names code outside Parsl"#)
            })
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

    /// Messages listed in place order (nearly every report) are written as they come, without sorting: the
    /// cases must still come in case order. Per suite: its read error; the findings about the whole input;
    /// each message (the first of its locator) with the findings that point at it; then the findings whose
    /// message the report does not list, by locator, wherever they came among the messages; suites without
    /// items keep their place.
    @Test(arguments: [SpoolConfiguration(), SpoolConfiguration(memoryLimit: 0, sortChunk: 2, mergeFanIn: 2)])
    func casesComeInCaseOrderWhenMessagesAreListedInPlaceOrder(spool: SpoolConfiguration) throws {
        let messages = [
            AuditedMessage(source: "a.pcap", locator: .packet(5), kind: .start),
            AuditedMessage(source: "a.pcap", locator: .packet(9), kind: .start),
            AuditedMessage(source: "a.pcap", locator: .packet(9), kind: .end),
            AuditedMessage(source: "a.pcap", locator: .packet(12), kind: .end),
            AuditedMessage(source: "c.log", locator: .line(3), kind: .start),
        ]
        func finding(_ source: String, _ locator: Locator?, _ message: String) -> Finding {
            Finding(rule: "test.rule", severity: .error, source: source, locator: locator, message: message)
        }
        let findings = [
            finding("a.pcap", .packet(9), "nine"),
            finding("a.pcap", .packet(7), "orphan seven"),
            finding("a.pcap", nil, "whole a"),
            finding("a.pcap", .packet(1), "orphan one"),
            finding("c.log", .line(8), "orphan eight"),
            finding("a.pcap", .packet(5), "five"),
            finding("c.log", .line(3), "three"),
            finding("a.pcap", .packet(7), "orphan seven again"),
        ]
        let report = AuditReport(
            inputs: [
                InputSummary(source: "a.pcap", kind: "pcap", messages: 4),
                InputSummary(source: "b.wire", kind: "wire", readError: "unreadable"),
                InputSummary(source: "c.log", kind: "parsl.log", messages: 1),
                InputSummary(source: "d.wire", kind: "wire"),
            ],
            messages: messages, findings: findings, rules: [])
        let root = try parse(ReportWriter.render(report, format: .junit, options: ReportOptions(spool: spool)))
        func cases(_ suite: XMLElement) -> [String] {
            suite.elements(forName: "testcase").map { testCase in
                let name = attribute(testCase, "name") ?? "?"
                let messages = (testCase.elements(forName: "failure").first?.stringValue ?? "")
                    .split(separator: "\n").map(String.init).filter { !$0.hasPrefix("error:") && !$0.hasPrefix("at ") }
                return ([name] + messages).joined(separator: " / ")
            }
        }
        let suites = suites(root)
        #expect(suites.map { attribute($0, "name") } == ["a.pcap", "b.wire", "c.log", "d.wire"])
        #expect(
            cases(suites[0]) == [
                "input / whole a", "packet 5 start / five", "packet 9 start / nine", "packet 12 end",
                "packet 1 message / orphan one", "packet 7 message / orphan seven / orphan seven again",
            ])
        #expect(cases(suites[1]) == ["read input"])
        #expect(cases(suites[2]) == ["line 3 start / three", "line 8 message / orphan eight"])
        #expect(cases(suites[3]) == [])
        #expect(suites.map { attribute($0, "tests") } == ["6", "1", "2", "0"])
    }

    /// A file of a folder that holds no usage messages is listed as skipped, with its reason, never as an
    /// error: its suite has one skipped test case saying why.
    @Test func aSkippedInputIsASkippedTestCaseWithItsReason() throws {
        let report = AuditReport(
            inputs: [
                InputSummary(source: "captures/README.md", kind: "text", skipped: "text with no usage message line"),
                InputSummary(source: "captures/lo.pcap", kind: "pcap"),
            ],
            messages: [], findings: [], rules: [])
        let root = try parse(ReportWriter.render(report, format: .junit))
        let readme = suites(root)[0]
        #expect(attribute(readme, "tests") == "1" && attribute(readme, "skipped") == "1")
        #expect(attribute(readme, "errors") == "0" && attribute(readme, "failures") == "0")
        let skipped = try #require(readme.elements(forName: "testcase").first?.elements(forName: "skipped").first)
        #expect(attribute(skipped, "message") == "not checked: text with no usage message line")
        #expect(attribute(suites(root)[1], "tests") == "0")
        #expect(attribute(root, "skipped") == "1")
    }

    @Test func snapshot() throws {
        try assertSnapshot(ReportWriter.render(report, format: .junit), named: "mixed.junit.xml")
    }
}
