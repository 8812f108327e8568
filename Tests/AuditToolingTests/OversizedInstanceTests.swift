import AuditTooling
import Foundation
import JSONCore
import JSONSchema
import Testing
import TestSupport

/// `usage-audit validate` on instances beyond the 16 MiB limit: refused after reading just past the limit,
/// never read whole, and the lines after an oversized one are still read.
@Suite("Oversized instances")
struct OversizedInstanceTests {
    static func file(in folder: URL, _ name: String, _ write: (FileHandle) -> Void) throws -> String {
        let path = folder.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        write(handle)
        try handle.close()
        return path
    }

    @Test("a 64 MiB instance is an invalid result, read no further than the limit")
    func largeInstance() throws {
        try TemporaryDirectory.with("oversized") { folder in
            let path = try Self.file(in: folder, "whole.json") { file in
                let chunk = Data(repeating: 0x20, count: 1 << 20)
                for _ in 0..<64 { file.write(chunk) }
            }
            let schema = try Schema(compiling: .bool(true))
            let output = folder.appendingPathComponent("output").path
            let (run, use) = try measure { try ValidationRun([path], ndjson: false, against: schema, outputPath: output) }
            #expect(run.invalid == 1 && run.valid == 0)
            #expect(run.output.contains("larger than the limit of 16777216 bytes"), "\(run.output)")
            #expect(use.seconds < 10 && use.peakGrowthMiB < 48, "\(use)")
        }
    }

    @Test("an NDJSON line beyond the limit is an invalid result, and the lines after it are still read")
    func largeLine() throws {
        try TemporaryDirectory.with("oversized") { folder in
            let path = try Self.file(in: folder, "lines.ndjson") { file in
                file.write(Data("1\n".utf8))
                let chunk = Data(repeating: 0x31, count: 1 << 20)
                for _ in 0..<20 { file.write(chunk) }
                file.write(Data("\n\"two\"\n3".utf8))
            }
            let schema = try Schema(compiling: JSONValue.parse(#"{"type": "integer"}"#))
            let output = folder.appendingPathComponent("output").path
            let (run, use) = try measure { try ValidationRun([path], ndjson: true, against: schema, outputPath: output) }
            let verdicts = run.lines.dropLast().map { line in line.hasSuffix(": valid") }
            #expect(run.lines.dropLast().map { $0.prefix(path.count + 2) }.map(String.init) == (1...4).map { "\(path):\($0)" })
            #expect(verdicts == [true, false, false, true])
            #expect(run.lines[1].contains("larger than the limit"))
            #expect(use.seconds < 10 && use.peakGrowthMiB < 48, "\(use)")
        }
    }
}
