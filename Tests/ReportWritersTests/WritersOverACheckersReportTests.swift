import AuditModel
import AuditRules
import Foundation
import JSONCore
import Testing

@testable import ReportWriters

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The writers over a report the real checker made: the rule catalogue, disclosure matrix and findings
/// (with their `sensitiveValues`) come from `AuditRules`, not from the hand-built samples, so a change in
/// what the checker fills cannot silently break a format. What is tested is the writers, so the suite lives
/// with theirs; the checker's own behaviour is tested in AuditRulesTests.
@Suite("every writer over a report the real checker made")
struct WritersOverACheckersReportTests {
    /// Datagram payloads as Parsl sends them (parsl-protocol.md), with the leaks a real audit meets.
    static let wireLines = [
        #"1{"correlator": "c3bf30a7-ed8b-4470-ad92-5fe988b5d5cf", "parsl_v": "2026.10.26", "python_v": "3.11.7", "platform.system": "Linux", "tracking_level": 2, "components": [{"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": false}, "parsl.executors.threads.ThreadPoolExecutor"]}"#,
        #"1{"correlator": "4eae03f1-f34e-40de-8bbe-38017acbc1f4", "parsl_v": "2026.10.26", "python_v": "3.11.7", "platform.system": "Linux", "tracking_level": 3, "project_name": "alice@uni.edu", "components": [{"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": false}, "parsl.executors.threads.ThreadPoolExecutor", "acme_genomics.cluster.AcmeProvider"], "start": 1795555185}"#,
        #"1{"correlator": "4eae03f1-f34e-40de-8bbe-38017acbc1f4", "end": 1795555190, "execution_time": 5, "components": [{"c": "parsl.dataflow.dflow.DataFlowKernel", "app_count": 6, "app_fails": 1}, "parsl.executors.threads.ThreadPoolExecutor", "acme_genomics.cluster.AcmeProvider"]}"#,
        #"{"uuid": "0b5c6d7e-8f90-4a1b-9c2d-3e4f5a6b7c8d", "test": false, "parsl_v": "0.9.0", "python_v": "3.6.8", "os": "Linux", "os_v": "3.10.0-1160.el7.x86_64", "uname": "3c2f1a9b0e", "hname": "a81f0c3d77", "start": 1593093412.9345}"#,
        #"1{"correlator": "7f3e2a10-4b5c-4d6e-8f70-1a2b3c4d5e6f", "parsl_v": "2026.10.26", "python_v": "3.11.7", "platform.system": "Linux", "tracking_level": 2, "components": [{"c": "parsl.providers.LocalProvider", "worker_init": "source /home/alice/envs/parsl/bin/activate"}]}"#,
        #"1{"correlator": NaN}"#,
    ]

    static func checkedReport() throws -> AuditReport {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "usage-audit-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sent.wire").path
        try Data((wireLines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let checker = try Checker(configuration: CheckConfiguration())
        var run = AuditRun(inputKind: nil, threads: 1)
        run.keepPayloads = true  // as `check` does when an HTML report is asked for
        var report = run.run([path], checker: checker)
        // The temporary directory differs every run; name the input as a user would.
        let rename = { (source: String) in source == path ? "sent.wire" : source }
        report.inputs = report.inputs.map {
            var input = $0; input.source = rename(input.source); return input
        }
        report.messages = AuditList(report.messages.map {
            var message = $0; message.source = rename(message.source); return message
        })
        report.findings = AuditList(report.findings.map {
            var finding = $0; finding.source = rename(finding.source); return finding
        })
        return report
    }

    @Test func everyFormatRendersTheCheckersReport() throws {
        let report = try Self.checkedReport()
        #expect(report.messages.count == Self.wireLines.count)
        #expect(report.findings.contains { $0.rule == "privacy.user-code-identifier" })
        #expect(!report.rules.isEmpty)

        let json = try JSONValue.parse(ReportWriter.render(report, format: .json))
        #expect(json["summary"]?["messages"] == .integer(Int64(Self.wireLines.count)))
        #expect(json["findings"]?.arrayValue?.count == report.findings.count)

        let sarif = try JSONValue.parse(ReportWriter.render(report, format: .sarif))
        #expect(sarif["runs"]?[0]?["tool"]?["driver"]?["rules"]?.arrayValue?.count == report.rules.count)
        for result in sarif["runs"]?[0]?["results"]?.arrayValue ?? [] {
            // Every rule that fires is in the catalogue, so every result has its rule index.
            #expect(result["ruleIndex"] != nil, "\(result["ruleId"] ?? .null) is missing from the rule catalogue")
        }

        let junit = try XMLDocument(data: Data(ReportWriter.render(report, format: .junit).utf8), options: [])
        #expect(try junit.nodes(forXPath: "//testcase").count == Self.wireLines.count)
        // One failure per failing message, its body listing each error finding as `error: RULE`.
        let bodies = try junit.nodes(forXPath: "//failure").compactMap(\.stringValue)
        #expect(bodies.count <= report.count(.error))
        #expect(
            bodies.map { $0.split(separator: "\n").count { $0.hasPrefix("error: ") } }.reduce(0, +)
                == report.count(.error))

        let html = ReportWriter.render(report, format: .html)
        #expect(html.contains("<table class=\"matrix\">"))
        #expect(
            html.contains("acme_genomics.cluster.AcmeProvider</mark>")
                || html.contains("&quot;acme_genomics.cluster.AcmeProvider&quot;</mark>"))
    }

    @Test func sarifOfTheCheckersReportIsValid() throws {
        let report = try Self.checkedReport()
        let validators = [SchemaValidators.inHouse] + (SchemaValidators.sarif.map { [$0] } ?? [])
        for validator in validators {
            for redact in [false, true] {
                let sarif = ReportWriter.render(report, format: .sarif, options: .init(redact: redact))
                let errors = try validator.errors(validating: sarif, against: SARIFReportTests.schema)
                #expect(errors.isEmpty, "\(validator.name): \(errors)")
            }
        }
    }

    @Test(arguments: ReportFormat.allCases)
    func redactionHidesWhatTheCheckerMarkedSensitive(_ format: ReportFormat) throws {
        let report = try Self.checkedReport()
        let sensitive = Set(report.findings.flatMap(\.sensitiveValues))
        #expect(!sensitive.isEmpty, "the checker marked no value as sensitive in messages that leak")
        let redacted = ReportWriter.render(report, format: format, options: .init(redact: true))
        for value in sensitive {
            var context: Substring? = nil
            if let range = redacted.firstRange(of: value) {
                let start =
                    redacted.index(range.lowerBound, offsetBy: -120, limitedBy: redacted.startIndex)
                    ?? redacted.startIndex
                context = redacted[start..<range.upperBound]
            }
            #expect(context == nil, "\(format): '\(value)' survived --redact in: \(context ?? "")")
        }
    }
}
