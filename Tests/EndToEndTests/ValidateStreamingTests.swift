import Foundation
import Testing
import TestSupport

/// `usage-audit validate --ndjson` writes each result as it is made and keeps none: its peak memory does
/// not grow with the number of lines.
@Suite("usage-audit validate, streaming")
struct ValidateStreamingTests {
    /// An NDJSON file of `count` lines, one in ten invalid (an invalid result holds the most).
    static func corpus(_ count: Int, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("lines-\(count).ndjson").path
        var text = ""
        text.reserveCapacity(count * 64)
        for index in 0..<count {
            let level = index % 10 == 0 ? 7 : 1 + index % 3
            text += #"{"level": \#(level), "n": \#(index), "host": "node-\#(index % 97).example.org"}"# + "\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("four times the lines cost at most a quarter more peak memory")
    func peakMemoryIsFlat() throws {
        try TemporaryDirectory.with("validate-streaming") { folder in
            let schema = folder.appendingPathComponent("schema.json").path
            try #"{"type": "object", "required": ["level"], "properties": {"level": {"enum": [1, 2, 3]}}}"#
                .write(toFile: schema, atomically: true, encoding: .utf8)
            let output = folder.appendingPathComponent("results.txt").path
            var peaks: [Double] = []
            for count in [15_000, 60_000] {
                let lines = try Self.corpus(count, in: folder)
                let use = try ChildResourceUse.run(
                    ProcessRunner.usageAudit, ["validate", "--ndjson", "--schema", schema, lines], stdoutPath: output)
                #expect(use.status == 1, "\(use)")
                let results = try String(contentsOfFile: output, encoding: .utf8)
                #expect(results.hasSuffix("\(count - count / 10) valid, \(count / 10) invalid\n"))
                peaks.append(use.peakResidentMiB)
            }
            #expect(peaks[1] <= peaks[0] * 1.25, "peak memory \(peaks[0]) MiB for 15k lines, \(peaks[1]) MiB for 60k")
        }
    }

    @Test("a reader that goes away ends the run quietly, with status 2 since it did not finish")
    func closedOutputEndsTheRun() throws {
        try TemporaryDirectory.with("validate-streaming") { folder in
            let schema = folder.appendingPathComponent("schema.json").path
            try #"{"type": "object"}"#.write(toFile: schema, atomically: true, encoding: .utf8)
            let lines = try Self.corpus(60_000, in: folder)
            let pipeline = """
                "$0" validate --ndjson --schema "$1" "$2" | head -c 100 > /dev/null; echo "${PIPESTATUS[0]}"
                """
            let result = try ProcessRunner.run("bash", ["-c", pipeline, ProcessRunner.usageAudit, schema, lines])
            #expect(result.stdout == "2\n", "\(result.stdout)")
            #expect(result.stderr.isEmpty, "\(result.stderr)")
        }
    }
}
