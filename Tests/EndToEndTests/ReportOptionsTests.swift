import Foundation
import Testing
import TestSupport

/// `--format github`, `--ignore`, `--baseline`, `--color` and `-q`, run through the built binary as a CI
/// job or a person at a terminal would.
@Suite("check: CI outputs, suppressions and terminal conventions, end to end")
struct ReportOptionsTests {
    static let userCode = "Fixtures/handmade/user-code.wire"
    static let legacy = "Fixtures/handmade/legacy-g0.wire"

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func githubAnnotationsOnePerFinding() throws {
        let result = try Binary.run(["check", "--format", "github", Self.userCode, Self.legacy])
        #expect(result.status == 1, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(
            lines.first
                == "::error file=Fixtures/handmade/user-code.wire,line=1,title=privacy.user-code-identifier::component 'acme_genomics_cluster.AcmeProvider' names code outside Parsl: it discloses the user's module and class names (at /components/1)"
        )
        let report = try json(try Binary.run(["check", "--format", "json", Self.userCode, Self.legacy]).stdout)
        #expect(lines.count == (report["findings"] as? [Any])?.count)
        #expect(lines.contains { $0.hasPrefix("::warning file=Fixtures/handmade/legacy-g0.wire,line=1,title=protocol.legacy::") })
    }

    @Test func githubAnnotationsForACaptureNameThePacket() throws {
        let directory = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let annotations = directory.appendingPathComponent("annotations.txt")
        let result = try Binary.run([
            "check", "--report", "github=\(annotations.path)", "Fixtures/captures/lo-snaplen-128.pcap",
        ])
        #expect(result.status == 1)
        let text = try String(contentsOf: annotations, encoding: .utf8)
        #expect(
            text.hasPrefix(
                "::error file=Fixtures/captures/lo-snaplen-128.pcap,title=capture.truncated (packet 3)::the capture kept 128"))
        #expect(!text.contains("line="))
    }

    @Test func ignoreDropsARulesFindings() throws {
        let result = try Binary.run([
            "check", "--format", "json", "--ignore", "privacy.user-code-identifier", Self.userCode,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try json(result.stdout)
        #expect((report["findings"] as? [Any])?.isEmpty == true)
        #expect((report["messages"] as? [[String: Any]])?.first?["findings"] as? Int == 0)
        // Other rules still count.
        #expect(try Binary.run(["check", "--ignore", "privacy.project-name", Self.userCode]).status == 1)
    }

    @Test func anUnknownRuleToIgnoreIsBadUsageWithASuggestion() throws {
        let result = try Binary.run(["check", "--ignore", "user-code-identifier", Self.userCode])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no rule is called 'user-code-identifier'; did you mean 'privacy.user-code-identifier'?"))
        #expect(result.stdout.isEmpty)
    }

    @Test func aBaselineAcceptsTodaysFindingsAndFailsOnNewOnes() throws {
        let directory = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let baseline = directory.appendingPathComponent("baseline.json")
        let first = try Binary.run(["check", "--format", "json", "--output", baseline.path, Self.legacy])
        #expect(first.status == 1)
        let earlier = try json(try String(contentsOf: baseline, encoding: .utf8))
        let findings = try #require(earlier["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty)
        #expect(findings.allSatisfy { ($0["fingerprint"] as? String)?.isEmpty == false })

        // The same input again: every finding is baselined, and the run passes.
        let again = try Binary.run(["check", "--format", "json", "--baseline", baseline.path, Self.legacy])
        #expect(again.status == 0, "\(again.stderr)")
        let summary = try #require(try json(again.stdout)["summary"] as? [String: Any])
        #expect(summary["baselined"] as? Int == findings.count)
        let text = try Binary.run(["check", "--baseline", baseline.path, Self.legacy])
        #expect(text.status == 0)
        #expect(text.stdout.contains("Baseline: \(findings.count) findings already in it, not counted toward --fail-on."))

        // A new leak still fails.
        let more = try Binary.run(["check", "--baseline", baseline.path, Self.legacy, Self.userCode])
        #expect(more.status == 1)
    }

    /// A baseline is read as a stream: a large one costs the memory of its fingerprints, not of its text
    /// (read whole into a tree, a JSON report cost about six times its size).
    @Test func aLargeBaselineCostsTheMemoryOfItsFingerprintsNotOfItsText() throws {
        try TemporaryDirectory.with("large-baseline") { folder in
            let baseline = folder.appendingPathComponent("baseline.json").path
            let message = String(repeating: "a long finding message, ", count: 300)
            var text = #"{"format_version": 2, "messages": [], "findings": ["#
            text += (0..<4_000).map { #"{"message": "\#(message)", "fingerprint": "f\#($0):1"}"# }
                .joined(separator: ",\n")
            text += "]}\n"
            try text.write(toFile: baseline, atomically: true, encoding: .utf8)
            #expect(text.utf8.count > 25 << 20)
            let output = folder.appendingPathComponent("report.json").path
            let input = Binary.root.appendingPathComponent(Self.legacy).path
            let without = try ChildResourceUse.run(ProcessRunner.usageAudit, ["check", input], stdoutPath: output)
            let with = try ChildResourceUse.run(
                ProcessRunner.usageAudit, ["check", "--baseline", baseline, input], stdoutPath: output)
            #expect(with.status == without.status, "\(with)")
            #expect(
                with.peakResidentMiB <= without.peakResidentMiB * 1.25,
                "peak memory \(without.peakResidentMiB) MiB without the 25 MiB baseline, \(with.peakResidentMiB) MiB with it")
        }
    }

    /// A gzip-compressed baseline is read as every input is, decompressed; a damaged one is named as such.
    @Test func aGzipCompressedBaselineIsRead() throws {
        let directory = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let baseline = directory.appendingPathComponent("baseline.json")
        _ = try Binary.run(["check", "--format", "json", "--output", baseline.path, Self.legacy])
        let compressed = try Scratch.gzip(baseline.path, into: directory)
        let plain = try Binary.run(["check", "--format", "json", "--baseline", baseline.path, Self.legacy])
        let unpacked = try Binary.run(["check", "--format", "json", "--baseline", compressed, Self.legacy])
        #expect(unpacked.status == 0 && plain.status == 0, "\(unpacked.stderr)")
        let summary = try #require(try json(unpacked.stdout)["summary"] as? [String: Any])
        #expect((summary["baselined"] as? Int ?? 0) > 0)
        #expect(summary["baselined"] as? Int == (try json(plain.stdout)["summary"] as? [String: Any])?["baselined"] as? Int)

        let bytes = try Data(contentsOf: URL(fileURLWithPath: compressed))
        let cut = directory.appendingPathComponent("cut.json.gz")
        try bytes.prefix(bytes.count - 8).write(to: cut)
        let damaged = try Binary.run(["check", "--baseline", cut.path, Self.legacy])
        #expect(damaged.status == 2)
        #expect(damaged.stderr.contains("baseline \(cut.path) cannot be read: gzip stream cut short"), "\(damaged.stderr)")
    }

    @Test func aBaselineThatCannotBeReadIsBadUsage() throws {
        let missing = try Binary.run(["check", "--baseline", "/nonexistent/baseline.json", Self.userCode])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("baseline /nonexistent/baseline.json cannot be read: No such file or directory"))
        let text = try Binary.run(["check", "--baseline", Self.userCode, Self.userCode])
        #expect(text.status == 2)
        #expect(text.stderr.contains("baseline \(Self.userCode) is not JSON"))
    }

    @Test func colorFollowsTheOption() throws {
        let always = try Binary.run(["check", "--color", "always", Self.userCode])
        #expect(always.stdout.contains("\u{1B}[1;31merror\u{1B}[0m"))
        #expect(always.status == 1)
        // Standard output is a pipe here, so auto means no colour; never means none anywhere.
        for mode in ["auto", "never"] {
            let plain = try Binary.run(["check", "--color", mode, Self.userCode])
            #expect(!plain.stdout.contains("\u{1B}"), "\(mode)")
            #expect(plain.stdout.contains("error   privacy.user-code-identifier"))
        }
        // Colour is for the text report only.
        #expect(!(try Binary.run(["check", "--color", "always", "--format", "json", Self.userCode]).stdout.contains("\u{1B}")))
        let bad = try Binary.run(["check", "--color", "sometimes", Self.userCode])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--color <auto|always|never>"), "\(bad.stderr)")
        #expect(bad.stderr.contains("'auto', 'always' or 'never'"), "\(bad.stderr)")
        #expect(try Binary.run(["check", "--help"]).stdout.contains("NO_COLOR"))
    }

    @Test func quietPrintsTheSummaryAndKeepsTheStatus() throws {
        for input in [Self.userCode, "Fixtures/handmade/clean-levels.wire"] {
            let full = try Binary.run(["check", input])
            let quiet = try Binary.run(["check", "-q", input])
            #expect(quiet.status == full.status)
            let lines = quiet.stdout.split(separator: "\n")
            #expect(lines.count == 2, "\(quiet.stdout)")
            #expect(lines.first?.hasPrefix("Summary: 1 input") == true)
            #expect(full.stdout.hasSuffix(quiet.stdout))
        }
        // Another format is written whole: the user asked for it.
        let json = try Binary.run(["check", "--quiet", "--format", "json", Self.userCode])
        #expect(json.status == 1)
        #expect(try self.json(json.stdout)["findings"] != nil)
    }
}
