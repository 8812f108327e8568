import AuditInputs
import AuditModel
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The shapes inputs come in: gzip around any kind, one JSON document, folders, and content that is no usage
/// input at all.
@Suite("gzip, JSON documents, folders and unrecognized content")
struct InputShapesTests {
    private func folder() throws -> URL { try TemporaryDirectory.make("usage-audit-shapes") }

    /// The system's `gzip -c` of `data`.
    private func gzip(_ data: Data, in folder: URL) throws -> Data {
        let plain = folder.appendingPathComponent("plain-\(UUID().uuidString)")
        try data.write(to: plain)
        let result = try ProcessRunner.run("gzip", ["-c", plain.path])
        guard result.status == 0 else { throw GzipFailure(description: "gzip -c failed: \(result.stderr)") }
        return result.stdoutData
    }

    private func readAll(_ path: String) throws -> (reader: any RecordReader, records: [InputRecord]) {
        let reader = try InputOpener.open(path: path)
        var records: [InputRecord] = []
        while let record = reader.next() { records.append(record) }
        return (reader, records)
    }

    // MARK: gzip

    @Test func gzipIsDecompressedAcrossManyReadChunksIntoTheSameLines() throws {
        let directory = try folder()
        // About 3 MiB of wire lines: many 256 KiB decompression chunks, lines cut across their edges.
        let lines = (1...40_000).map { "1{\"correlator\": \"\($0)\", \"pad\": \"\(String(repeating: "x", count: $0 % 97))\"}" }
        let text = Data((lines.joined(separator: "\n") + "\n").utf8)
        let file = directory.appendingPathComponent("lines.gz")
        try gzip(text, in: directory).write(to: file)
        let (reader, records) = try readAll(file.path)
        #expect(reader.kind == .wire)
        #expect(reader.readError == nil)
        #expect(records.count == lines.count)
        for index in [0, 1, 9_999, 39_999] {
            guard case .datagram(let bytes) = records[index].payload else {
                Issue.record("record \(index) is not a datagram")
                continue
            }
            #expect(String(decoding: bytes, as: UTF8.self) == lines[index])
            #expect(records[index].locator == .line(index + 1))
        }
    }

    @Test func concatenatedMembersAreOneStreamAndTrailingGarbageIsAnError() throws {
        let directory = try folder()
        let first = try gzip(Data("{\"correlator\": \"a\"}\n".utf8), in: directory)
        let second = try gzip(Data("{\"correlator\": \"b\"}\n".utf8), in: directory)
        let both = directory.appendingPathComponent("both.gz")
        try (first + second).write(to: both)
        let (reader, records) = try readAll(both.path)
        #expect(records.count == 2)
        #expect(reader.readError == nil)

        let garbage = directory.appendingPathComponent("garbage.gz")
        try (first + Data("not gzip".utf8)).write(to: garbage)
        let (damaged, kept) = try readAll(garbage.path)
        #expect(kept.count == 1, "what precedes the garbage is kept")
        #expect(damaged.readError?.contains("are not gzip") == true, "\(damaged.readError ?? "no error")")
    }

    @Test func damageIsReportedAtItsCompressedOffset() throws {
        let directory = try folder()
        let lines = (1...5000).map { "{\"correlator\": \"\($0)\"}" }.joined(separator: "\n") + "\n"
        var compressed = try gzip(Data(lines.utf8), in: directory)
        let cutFile = directory.appendingPathComponent("cut.gz")
        try compressed.prefix(compressed.count / 2).write(to: cutFile)
        let (cut, kept) = try readAll(cutFile.path)
        #expect(!kept.isEmpty && kept.count < 5000)
        #expect(cut.readError?.contains("gzip stream cut short at compressed byte \(compressed.count / 2)") == true)

        compressed[compressed.count - 6] ^= 0xFF  // the CRC-32 of the uncompressed data
        let crcFile = directory.appendingPathComponent("crc.gz")
        try compressed.write(to: crcFile)
        let (checked, all) = try readAll(crcFile.path)
        #expect(all.count == 5000, "every line decompressed before the check is read")
        #expect(checked.readError?.contains("gzip data damaged at compressed byte") == true)
        #expect(checked.readError?.contains("incorrect data check") == true, "\(checked.readError ?? "")")
    }

    @Test func aGzipCaptureIsReadThroughTheCaptureReader() throws {
        let directory = try folder()
        let capture = try Data(contentsOf: URL(fileURLWithPath: Repository.path("Fixtures/demo/sample.pcap")))
        let file = directory.appendingPathComponent("sample.pcap.gz")
        try gzip(capture, in: directory).write(to: file)
        let (reader, records) = try readAll(file.path)
        let (_, plain) = try readAll(Repository.path("Fixtures/demo/sample.pcap"))
        #expect(reader.kind == .pcap)
        #expect(reader.readError == nil)
        #expect(records.map(\.locator) == plain.map(\.locator))
        #expect(!records.isEmpty)
    }

    // MARK: detection

    @Test(arguments: [
        ("{\n  \"correlator\": \"a\"\n}\n", InputOpener.Detection.kind(.json)),
        ("[{\"correlator\": \"a\"}, {\"correlator\": \"b\"}]", .kind(.json)),
        ("{\"correlator\": \"a\"}\n{\"correlator\": \"b\"}\n", .kind(.ndjson)),
        ("1{\"correlator\": \"a\"}\n", .kind(.wire)),
        ("2{\"correlator\": \"a\"}\n", .kind(.wire)),
        ("", .empty),
        ("attrs==23.2.0\nparsl==2024.10.14\n", .unrecognized("text with no usage message line, wire line or JSON value")),
    ])
    func detectsTheKindOrWhatTheContentIsInstead(text: String, expected: InputOpener.Detection) {
        #expect(InputOpener.detect(Array(text.utf8)[...]) == expected)
    }

    @Test func binaryContentIsNamed() {
        #expect(InputOpener.detect([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0][...]) == .unrecognized("an ELF executable or library"))
        var generator = SplitMix64(seed: 7)
        let noise = (0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        guard case .unrecognized(let what) = InputOpener.detect(noise[...]) else {
            Issue.record("random bytes detected as a kind")
            return
        }
        #expect(what.hasPrefix("binary data"))
        // Text with a datagram that is not UTF-8 is still a wire file (protocol.invalid-utf8 reports it).
        let invalidUTF8 = Array("1{\"a\": \"".utf8) + [0xFF, 0xFE] + Array("\"}\n".utf8)
        #expect(InputOpener.detect(invalidUTF8[...]) == .kind(.wire))
    }

    // MARK: JSON documents

    @Test func aDocumentIsSplitIntoItsMessagesAtTheLinesTheyBegin() throws {
        let text = """
            [
              {"correlator": "a", "note": "a ] and a }, in a string \\" still"},
              {
                "correlator": "b",
                "nested": [1, {"x": [2]}]
              }
            ,
              {"correlator": "c"}
            ]
            {"correlator": "d"}
            """
        let directory = try folder()
        let file = directory.appendingPathComponent("messages")
        try Data(text.utf8).write(to: file)
        let (reader, records) = try readAll(file.path)
        #expect(reader.kind == .json)
        #expect(records.map(\.locator) == [.line(2), .line(3), .line(8), .line(10)])
        let decoded = records.compactMap { record -> String? in
            guard case .json(let bytes) = record.payload else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(decoded.count == 4)
        #expect(decoded[0] == #"{"correlator": "a", "note": "a ] and a }, in a string \" still"}"#)
        #expect(decoded[1].hasPrefix("{\n    \"correlator\": \"b\"") && decoded[1].hasSuffix("}"))
        #expect(reader.readError == nil)
    }

    @Test func anUnclosedArrayIsAReadErrorAfterItsMessages() throws {
        let directory = try folder()
        let file = directory.appendingPathComponent("open.json")
        try Data("[\n{\"correlator\": \"a\"},\n{\"correlator\": \"b\"}\n".utf8).write(to: file)
        let (reader, records) = try readAll(file.path)
        #expect(records.count == 2)
        #expect(reader.readError?.contains("the JSON array that begins on line 1 is not closed") == true)
    }

    // MARK: folders

    @Test func foldersAreWalkedInSortedPathOrderWithLoopsAndOddFilesSkipped() throws {
        let root = try folder()
        let manager = FileManager.default
        try manager.createDirectory(at: root.appendingPathComponent("a/b"), withIntermediateDirectories: true)
        for name in ["a.txt", "a/z", "a/b/c", "B"] {
            try Data("x".utf8).write(to: root.appendingPathComponent(name))
        }
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("a/b/up").path, withDestinationPath: "../..")
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("gone").path, withDestinationPath: "nowhere")
        #expect(mkfifo(root.appendingPathComponent("fifo").path, 0o600) == 0)
        let entries = FolderWalk.entries(under: root.path)
        let relative = entries.map { String($0.path.dropFirst(root.path.count + 1)) }
        #expect(relative == ["B", "a.txt", "a/b/c", "a/b/up", "a/z", "fifo", "gone"])
        #expect(entries[3] == .skipped(root.path + "/a/b/up", reason: "a symbolic link loop (this folder is already being walked)"))
        #expect(entries[5] == .skipped(root.path + "/fifo", reason: "not a regular file (a device, pipe or socket)"))
        #expect(entries[6] == .skipped(root.path + "/gone", reason: "a broken symbolic link"))
        #expect(FolderWalk.isFolder(root.path))
        #expect(!FolderWalk.isFolder(root.appendingPathComponent("B").path))
        #expect(!FolderWalk.isFolder("-"))
    }

    @Test func aFileInAFolderIsAuditedOnlyWhenItHoldsAMessageObject() throws {
        let directory = try folder()
        func opening(_ text: String) throws -> String {
            let file = directory.appendingPathComponent(UUID().uuidString)
            try Data(text.utf8).write(to: file)
            switch try InputOpener.openFound(path: file.path) {
            case .audit(let reader): return "audit \(reader.kind)"
            case .skip(let reason): return "skip: \(reason)"
            }
        }
        #expect(try opening("{\"uuid\": \"x\", \"test\": false}\n") == "audit ndjson", "a legacy message")
        #expect(try opening("1{\"correlator\": \"x\"}\n") == "audit wire")
        #expect(try opening("[\n  {\"correlator\": \"x\"}\n]\n") == "audit json")
        // An expected-findings file names correlators only inside its findings, not as a message.
        #expect(
            try opening("{\n  \"note\": \"n\",\n  \"findings\": [{\"correlator\": \"x\"}]\n}\n").hasPrefix(
                "skip: a JSON document with no usage message"))
        #expect(try opening("{\"task\": 1}\n").hasPrefix("skip: NDJSON with no usage message"))
        #expect(try opening("") == "skip: empty")
        #expect(try opening("numpy==1.26.4\n") == "skip: text with no usage message line, wire line or JSON value")
    }

    @Test func anExplicitFileThatIsNoUsageInputIsAnErrorSayingWhatWasExpected() throws {
        let directory = try folder()
        let file = directory.appendingPathComponent("requirements.txt")
        try Data("numpy==1.26.4\n".utf8).write(to: file)
        do {
            _ = try InputOpener.open(path: file.path)
            Issue.record("opened a file that is no usage input")
        } catch {
            #expect(error.message.hasPrefix("not a usage input: text with no usage message line"))
            #expect(error.message.contains("expected a pcap or pcapng capture"))
        }
        // Forcing a kind reads it as that kind anyway.
        #expect(try InputOpener.open(path: file.path, kind: .wire).kind == .wire)
    }

    @Test func readersSayWhatTheyHeld() throws {
        let directory = try folder()
        let empty = directory.appendingPathComponent("empty")
        try Data().write(to: empty)
        #expect(try readAll(empty.path).reader.contents == .empty)
        let log = directory.appendingPathComponent("parsl.log")
        try Data("1795661816.942821 2026-11-26 02:56:56 MainProcess-1 MainThread-1 parsl.dataflow.dflow:89 f INFO: hi\nmore\n".utf8)
            .write(to: log)
        #expect(try readAll(log.path).reader.contents == .lines(2))
    }
}

private struct GzipFailure: Error, CustomStringConvertible { var description: String }
