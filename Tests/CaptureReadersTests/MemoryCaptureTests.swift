import CaptureReaders
import Foundation
import TestSupport
import Testing

/// A capture read from memory gives the events of the same capture read from its file: the fuzz target reads
/// its inputs from memory and must exercise the code that real captures go through.
@Suite("Captures in memory read like capture files")
struct MemoryCaptureTests {
    /// Everything a reader says about a capture: each event in full, then its counts.
    private func transcript(_ reader: CaptureReader) -> [String] {
        var lines = reader.map { "\($0)" }
        lines.append("\(reader.format) \(reader.statistics)")
        return lines
    }

    @Test func everyCaptureFixtureGivesTheSameEventsFromMemory() throws {
        let captures = Repository.files(under: "Fixtures").filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }
        #expect(captures.count >= 10)
        var events = 0
        for capture in captures {
            let path = Repository.path(capture)
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            for port in [CaptureReader.defaultPort, 0] {
                let fromFile = transcript(try CaptureReader(path: path, port: port))
                let fromMemory = transcript(try CaptureReader(bytes: bytes, name: path, port: port))
                #expect(fromFile == fromMemory, "\(capture), port \(port)")
                events += fromFile.count - 1
            }
        }
        // Captures of runs with tracking off hold no frame at all; the others hold the datagrams compared.
        #expect(events > captures.count)
    }

    /// Cut short and damaged captures end with the same damage, at the same frame and offset.
    @Test func capturesCutShortEndAlikeFromMemory() throws {
        let path = Repository.path("Fixtures/handmade/fleet-two-interfaces.pcapng")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        for length in stride(from: 4, to: bytes.count, by: max(1, bytes.count / 40)) {
            let cut = Array(bytes[..<length])
            let file = TemporaryFile(cut)
            defer { file.remove() }
            let fromFile = try? transcript(CaptureReader(path: file.path))
            let fromMemory = try? transcript(CaptureReader(bytes: cut, name: file.path))
            #expect(fromFile == fromMemory, "cut at \(length)")
        }
    }

    private func openingError(_ bytes: [UInt8]) -> CaptureOpenError? {
        do {
            _ = try CaptureReader(bytes: bytes, name: "in memory")
            return nil
        } catch {
            return error
        }
    }

    @Test func emptyAndForeignBytesAreNoCapture() {
        let empty = openingError([])
        #expect(empty?.code == .notACapture)
        #expect(empty?.message == "not a capture: the file is empty")
        #expect(empty?.path == "in memory")
        #expect(openingError(Array("hello".utf8))?.code == .notACapture)
    }
}
