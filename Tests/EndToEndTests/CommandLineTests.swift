import Foundation
import TestSupport
import Testing

/// Runs the built `usage-audit` binary as a user or a CI job would, and checks output and exit status.
enum Binary {
    /// The package root.
    static let root = Repository.root

    /// `usage-audit` beside the test runner, in the same build folder.
    static let path = ProcessRunner.usageAudit

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `usage-audit` from the repository root, both output pipes drained at once.
    static func run(_ arguments: [String], stdin: Data? = nil) throws -> Result {
        let result = try ProcessRunner.run(path, arguments, stdin: stdin, currentDirectory: root)
        return Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    static func temporaryDirectory() throws -> URL { try TemporaryDirectory.make("usage-audit-e2e") }
}

@Suite("usage-audit check, end to end")
struct CheckCommandTests {
    @Test func aCleanClientPassesWithStatus0() throws {
        let result = try Binary.run(["check", "Fixtures/handmade/clean-levels.wire"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("4 messages"))
    }

    @Test func leaksFailWithStatus1AndTheContractsJSON() throws {
        let result = try Binary.run(["check", "--format", "json", "Fixtures/handmade/user-code.wire"])
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["messages"] as? Int == 1)
        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(findings.first?["rule"] as? String == "privacy.user-code-identifier")
        #expect(findings.first?["pointer"] as? String == "/components/1")
        #expect((findings.first?["locator"] as? [String: Int]) == ["line": 1])
    }

    @Test func failOnDecidesTheStatus() throws {
        #expect(try Binary.run(["check", "--fail-on", "never", "Fixtures/handmade/user-code.wire"]).status == 0)
        #expect(try Binary.run(["check", "Fixtures/handmade/project-name.wire"]).status == 0)  // a note
        #expect(try Binary.run(["check", "--fail-on", "note", "Fixtures/handmade/project-name.wire"]).status == 1)
    }

    @Test func maxSessionsBoundsTheSessionTable() throws {
        // Runs A and B start, then A ends. With room for one session, A is forgotten when B starts (and
        // reported then as never ended), so its end finds no start; with the default room, A is complete.
        let directory = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("sessions.wire")
        func start(_ correlator: String) -> String {
            #"1{"correlator": "\#(correlator)", "parsl_v": "2026.10.26", "python_v": "3.11.7", "platform.system": "Linux", "tracking_level": 3, "components": ["parsl.executors.threads.ThreadPoolExecutor"], "start": 1795555185}"#
        }
        let a = "4eae03f1-f34e-40de-8bbe-38017acbc1f1", b = "4eae03f1-f34e-40de-8bbe-38017acbc1f2"
        let endA = #"1{"correlator": "\#(a)", "end": 1795555190, "execution_time": 5, "components": [{"c": "parsl.dataflow.dflow.DataFlowKernel", "app_count": 1, "app_fails": 0}, "parsl.executors.threads.ThreadPoolExecutor"]}"#
        try ([start(a), start(b), endA].joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        func sessionFindings(_ arguments: [String]) throws -> [String] {
            let result = try Binary.run(["check", "--format", "json", "--fail-on", "never"] + arguments + [input.path])
            #expect(result.status == 0, "\(result.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let findings = object?["findings"] as? [[String: Any]] ?? []
            return findings.compactMap { finding in
                guard let rule = finding["rule"] as? String, rule.hasPrefix("session.") else { return nil }
                return "\(rule) \(finding["correlator"] as? String == a ? "A" : "B")"
            }.sorted()
        }
        #expect(try sessionFindings([]) == ["session.start-without-end B"])
        #expect(
            try sessionFindings(["--max-sessions", "1"])
                == ["session.end-without-start A", "session.start-without-end A", "session.start-without-end B"])
        let refused = try Binary.run(["check", "--max-sessions", "0", input.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--max-sessions"))
    }

    @Test func badUsageIsStatus2() throws {
        #expect(try Binary.run(["check", "--level", "7", "x.wire"]).status == 2)
        #expect(try Binary.run(["check", "--format", "pdf", "x.wire"]).status == 2)
        #expect(try Binary.run(["check", "--report", "sarif", "x.wire"]).status == 2)
    }

    @Test func anUnreadableInputIsNamedInTheReportAndIsStatus2() throws {
        let result = try Binary.run(["check", "--format", "json", "/nonexistent/lo.pcap", "Fixtures/handmade/clean-levels.wire"])
        #expect(result.status == 2)
        #expect(result.stdout.contains("/nonexistent/lo.pcap"))
        #expect(result.stdout.contains("\"messages\": 4"))  // the readable input was still audited
        #expect(result.stderr.contains("cannot open"))
    }

    @Test func severalReportsFromOneRun() throws {
        let folder = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sarif = folder.appendingPathComponent("out.sarif").path
        let junit = folder.appendingPathComponent("out.xml").path
        let html = folder.appendingPathComponent("out.html").path
        let result = try Binary.run([
            "check", "Fixtures/handmade/personal-data.wire", "--report", "sarif=\(sarif)", "--report", "junit=\(junit)",
            "--report", "html=\(html)",
        ])
        #expect(result.status == 1)
        #expect(result.stdout.contains("privacy.personal-data"))
        for path in [sarif, junit, html] { #expect(FileManager.default.fileExists(atPath: path), "\(path)") }
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("<mark"))
    }

    @Test func sarifAloneSaysWhatSitsAtEachPointer() throws {
        // The decoded messages SARIF reads are kept for it, not only when an HTML report is written too.
        let result = try Binary.run(["check", "--format", "sarif", "Fixtures/handmade/personal-data.wire"])
        #expect(result.status == 1)
        #expect(result.stdout.contains(#""kind": "property""#))
        #expect(result.stdout.contains(#""kind": "element""#))
    }

    @Test func redactionLeavesNoPersonalValue() throws {
        let result = try Binary.run(["check", "--redact", "--format", "json", "Fixtures/handmade/personal-data.wire"])
        #expect(result.status == 1)
        for secret in ["alice.smith@uni.example.edu", "/home/alice", "10.20.30.40", "login1.cluster.example.edu"] {
            #expect(!result.stdout.contains(secret), "\(secret) survived --redact")
        }
    }

    @Test func readsStandardInputOfEveryKind() throws {
        for fixture in ["Fixtures/handmade/parsl.log", "Fixtures/captures/lo-ethernet.pcap", "Fixtures/handmade/messages.ndjson"] {
            let data = try Data(contentsOf: Binary.root.appendingPathComponent(fixture))
            let piped = try Binary.run(["check", "--format", "json", "-"], stdin: data)
            let direct = try Binary.run(["check", "--format", "json", fixture])
            #expect(piped.status == direct.status, "\(fixture)")
            // A fingerprint covers the input's name, so it differs with the name; everything else is the same.
            let fingerprint = /"fingerprint": "[0-9a-f]{32}:[0-9]+"/
            let renamed = piped.stdout.replacingOccurrences(of: "\"-\"", with: "\"\(fixture)\"")
                .replacingOccurrences(of: "(-, ", with: "(\(fixture), ").replacing(fingerprint, with: "fingerprint")
            #expect(renamed == direct.stdout.replacing(fingerprint, with: "fingerprint"), "\(fixture)")
        }
    }

    @Test func forcedLevelJudgesEveryMessage() throws {
        let result = try Binary.run(["check", "--level", "1", "--format", "json", "Fixtures/handmade/clean-levels.wire"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("level.mismatch"))
        #expect(result.stdout.contains("level.config-disclosed"))
    }
}

@Suite("usage-audit schemas and fixtures, end to end")
struct SchemasAndFixturesCommandTests {
    @Test func describeReproducesTheCheckedInMatrix() throws {
        let result = try Binary.run(["schemas", "describe"])
        #expect(result.status == 0)
        let committed = try String(contentsOf: Binary.root.appendingPathComponent("docs/disclosure-matrix.md"), encoding: .utf8)
        #expect(result.stdout == committed)
        let json = try Binary.run(["schemas", "describe", "--format", "json"])
        #expect(json.stdout.contains("\"field\":\"components\""))
    }

    @Test func lintAcceptsTheShippedSchemasAndRejectsABrokenOne() throws {
        #expect(try Binary.run(["schemas", "lint", "Schemas"]).status == 0)
        let folder = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Binary.root.appendingPathComponent("Schemas"), to: folder.appendingPathComponent("Schemas"))
        let common = folder.appendingPathComponent("Schemas/common.schema.json")
        let text = try String(contentsOf: common, encoding: .utf8)
            .replacingOccurrences(of: "\"discloses\": \"configuration\"", with: "\"discloses\": \"everything\"")
        try text.write(to: common, atomically: true, encoding: .utf8)
        let result = try Binary.run(["schemas", "lint", folder.appendingPathComponent("Schemas").path])
        #expect(result.status != 0)
        #expect((result.stdout + result.stderr).contains("common.schema.json"))
    }

    @Test func fixturesVerifyPassesAndShowsADiffWhenAFindingChanges() throws {
        #expect(try Binary.run(["fixtures", "verify", "Fixtures"]).status == 0)
        let folder = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["user-code.wire", "user-code.wire.expected.json"] {
            try FileManager.default.copyItem(
                at: Binary.root.appendingPathComponent("Fixtures/handmade/\(name)"), to: folder.appendingPathComponent(name))
        }
        let expectation = folder.appendingPathComponent("user-code.wire.expected.json")
        let edited = try String(contentsOf: expectation, encoding: .utf8)
            .replacingOccurrences(of: "/components/1", with: "/components/2")
        try edited.write(to: expectation, atomically: true, encoding: .utf8)
        let failed = try Binary.run(["fixtures", "verify", folder.path])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("+ unexpected  privacy.user-code-identifier line 1 /components/1"))
        #expect(failed.stdout.contains("- missing     privacy.user-code-identifier line 1 /components/2"))
        #expect(try Binary.run(["fixtures", "verify", "--update", folder.path]).status == 0)
        #expect(try Binary.run(["fixtures", "verify", folder.path]).status == 0)
    }
    /// One real run checked three ways (`NAME.VARIANT.expected.json`), and its logs as a folder fixture
    /// (`runinfo.expected.json`), whose files are checked only as part of it.
    @Test func fixtureVariantsAndFolderFixturesAreCheckedEachOnTheirOwn() throws {
        let folder = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let real = Binary.root.appendingPathComponent("Fixtures/real/2024.10.14")
        let manager = FileManager.default
        for (recorded, copy) in [("two-workflows.pcap", "run.pcap"), ("two-workflows.runinfo", "runinfo")] {
            try manager.copyItem(at: real.appendingPathComponent(recorded), to: folder.appendingPathComponent(copy))
        }
        func expect(_ name: String, _ options: String, findings: String = "[]") throws {
            try "{\(options)\"findings\": \(findings)}\n".write(
                to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try expect("run.pcap.expected.json", "")
        try expect("run.pcap.with-logs.expected.json", #""with": ["runinfo"], "#)
        try expect("run.pcap.reconciled.expected.json", #""with": ["runinfo"], "reconcile": true, "#)
        try expect("runinfo.expected.json", "")
        let passed = try Binary.run(["fixtures", "verify", "--verbose", folder.path])
        #expect(passed.status == 0, "\(passed.stdout)")
        let listed = passed.stdout.split(separator: "\n").filter { $0.hasPrefix("ok") }
            .map { $0.split(separator: "/").last! }
        #expect(listed == ["run.pcap", "run.pcap (reconciled)", "run.pcap (with-logs)", "runinfo"])

        // A variant whose expectation is wrong fails under its own name; the others still pass.
        try expect(
            "run.pcap.with-logs.expected.json", #""with": ["runinfo"], "#,
            findings: #"[{"rule": "session.duplicate", "locator": {"packet": 1}, "pointer": ""}]"#)
        let failed = try Binary.run(["fixtures", "verify", folder.path])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("FAIL  \(folder.path)/run.pcap (with-logs)"), "\(failed.stdout)")
        #expect(failed.stdout.contains("- missing     session.duplicate packet 1 (whole message)"))
        #expect(failed.stdout.contains("3 of 4 fixtures match"))
    }
}
