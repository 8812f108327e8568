import Foundation
import TestSupport
import Testing

/// The same inputs give the same report bytes in every process, whatever the thread count. Two processes are
/// needed to prove it: Swift seeds its hashing anew in each process, so an order that leaks out of a `Set` or a
/// `Dictionary` differs between runs but never within one.
@Suite("reports are deterministic across processes")
struct DeterminismTests {
    /// Inputs of every kind with findings of every category and several sessions: the hand-made fixtures, the
    /// captures, and real captures and logs of the oldest and the newest client.
    static let inputs: [String] =
        ["Fixtures/handmade", "Fixtures/captures", "Fixtures/demo"].flatMap { Repository.files(under: $0) }.filter {
            !$0.hasSuffix(".json") && !$0.hasSuffix(".md") && !$0.hasSuffix(".tsv") && !$0.hasSuffix(".sh")
                && !$0.hasSuffix(".py")
        }
        + [
            "Fixtures/real/2023.4.24/on-htex.pcap", "Fixtures/real/2023.4.24/on-htex.parsl.log",
            "Fixtures/real/2026.10.26/level2-htex-acme.pcap", "Fixtures/real/2026.10.26/on-threads-end-lost.wire",
            "Fixtures/real/2026.10.26/level3-htex-acme-project.parsl.log",
        ]

    @Test(arguments: ["text", "json", "sarif", "junit", "markdown", "html"])
    func twoProcessesWriteTheSameReport(format: String) throws {
        #expect(Self.inputs.count > 20)
        let arguments = ["check", "--format", format, "--fail-on", "never"]
        let first = try Binary.run(arguments + ["--threads", "1"] + Self.inputs)
        let second = try Binary.run(arguments + ["--threads", "2"] + Self.inputs)
        #expect(first.status == second.status)
        #expect(!first.stdout.isEmpty)
        if first.stdout != second.stdout {
            let a = first.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let b = second.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let line = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            let left = line < a.count ? a[line] : "<end>", right = line < b.count ? b[line] : "<end>"
            Issue.record("\(format) differs between processes at line \(line + 1):\n\(left)\n\(right)")
        }
    }
}
