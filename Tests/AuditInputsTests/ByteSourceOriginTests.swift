import AuditInputs
import Foundation
import TestSupport
import Testing

/// A `ByteSource` over bytes in memory reads exactly as one over the same bytes in a file: the fuzz targets
/// read their inputs from memory and must exercise the code that real files go through.
@Suite("Byte sources: a file and the same bytes in memory read alike")
struct ByteSourceOriginTests {
    /// What one step of reading returned, for comparing two sources step by step.
    private enum Step: Equatable {
        case peeked([UInt8])
        case line([UInt8], overlong: Bool)
        case endOfLines
        case read([UInt8])
    }

    /// A reproducible mix of `peek`, `nextLine` (limits small and large) and `read` over the whole input.
    private func steps(_ source: ByteSource, seed: UInt64) -> [Step] {
        var generator = SplitMix64(seed: seed)
        var steps: [Step] = []
        var linesAtEnd = 0
        while linesAtEnd < 2 {
            switch generator.next() % 4 {
            case 0:
                steps.append(.peeked(Array(source.peek(Int(generator.next() % 70_000)))))
            case 1:
                let count = 1 + Int(generator.next() % 300_000)
                let bytes = Array(source.read(count))
                steps.append(.read(bytes))
                if bytes.isEmpty { linesAtEnd += 1 }
            default:
                let limit = [16, 4096, 64 * 1024, 1 << 20][Int(generator.next() % 4)]
                if let line = source.nextLine(limit: limit) {
                    steps.append(.line(Array(line.bytes), overlong: line.overlong))
                } else {
                    steps.append(.endOfLines)
                    linesAtEnd += 1
                }
            }
        }
        return steps
    }

    private func expectAlike(_ path: String, seeds: ClosedRange<UInt64> = 1...3) throws {
        let content = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        for seed in seeds {
            let file = try ByteSource(path: path)
            let memory = ByteSource(bytes: content, name: path)
            let fromFile = steps(file, seed: seed)
            let fromMemory = steps(memory, seed: seed)
            #expect(fromFile == fromMemory, "\(path), seed \(seed)")
            #expect(file.isCompressed == memory.isCompressed, "\(path)")
            #expect(file.error == nil && memory.error == nil, "\(path)")
        }
    }

    @Test func everyFixtureReadsAlikeFromAFileAndFromMemory() throws {
        let fixtures = Repository.files(under: "Fixtures")
        #expect(fixtures.count > 50)
        for fixture in fixtures { try expectAlike(Repository.path(fixture), seeds: 1...1) }
    }

    /// Lines longer than a read chunk, overlong lines cut, CRLF, and no newline at the end: the paths where
    /// the buffer moves and grows.
    @Test func largeInputsWithLongLinesReadAlike() throws {
        var generator = SplitMix64(seed: 20261204)
        var content: [UInt8] = []
        while content.count < 900_000 {
            let length = [0, 3, 100, 5000, 70_000, 300_000][Int(generator.next() % 6)]
            content += (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            content += generator.next() % 3 == 0 ? [0x0D, 0x0A] : [0x0A]
        }
        content += Array("no newline at the end".utf8)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("usage-audit-\(UUID().uuidString)").path
        try Data(content).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try expectAlike(path)
    }

    @Test func gzipInMemoryIsDecompressedLikeAGzipFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("usage-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = directory.appendingPathComponent("parsl.log")
        try Data(contentsOf: URL(fileURLWithPath: Repository.path("Fixtures/handmade/parsl.log"))).write(to: plain)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", plain.path]
        try process.run()
        process.waitUntilExit()
        let compressed = directory.appendingPathComponent("parsl.log.gz").path
        let memory = ByteSource(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: compressed))), name: "log.gz")
        _ = memory.peek(2)
        #expect(memory.isCompressed)
        try expectAlike(compressed)
    }

    @Test func aLogInMemoryGivesTheRecordsOfTheSameLogFile() throws {
        var records = 0
        for fixture in Repository.files(under: "Fixtures") where fixture.hasSuffix(".log") {
            let path = Repository.path(fixture)
            let content = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let fromFile = LineRecordReader.log(try ByteSource(path: path))
            let fromMemory = LineRecordReader.log(ByteSource(bytes: content, name: path))
            var fileRecords: [String] = []
            var memoryRecords: [String] = []
            while let record = fromFile.next() { fileRecords.append("\(record)") }
            while let record = fromMemory.next() { memoryRecords.append("\(record)") }
            #expect(fileRecords == memoryRecords, "\(fixture)")
            records += fileRecords.count
        }
        // Logs of runs with tracking off or of old clients hold no usage line; the others hold the records compared.
        #expect(records > 50)
    }

    @Test func takingOverBytesInMemoryHandsOverAllThatIsLeftAndNoDescriptor() {
        let content = Array(0..<200).map { UInt8($0) }
        let source = ByteSource(bytes: content, name: "memory")
        #expect(Array(source.read(10)) == Array(content[..<10]))
        #expect(source.peek(5).count == 5)
        let (buffered, descriptor) = source.takeOver()
        #expect(buffered == Array(content[10...]))
        #expect(descriptor == nil)
        #expect(source.read(1).isEmpty)
    }
}
