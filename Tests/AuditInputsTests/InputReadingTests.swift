import AuditInputs
import AuditModel
import Foundation
import Testing

@Suite("Input kinds and line readers")
struct InputReadingTests {
    private func temporaryFile(_ content: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("usage-audit-\(UUID().uuidString)").path
        try Data(content).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func records(_ text: String, kind: InputKind? = nil) throws -> (InputKind, [InputRecord]) {
        let path = try temporaryFile(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try InputOpener.open(path: path, kind: kind)
        var all: [InputRecord] = []
        while let record = reader.next() { all.append(record) }
        return (reader.kind, all)
    }

    @Test func detectsKindsFromContentNotNames() {
        let wire = Array("1{\"correlator\": \"x\"}\n".utf8)
        #expect(InputOpener.detect(wire[...]) == .kind(.wire))
        #expect(InputOpener.detect(Array("{\"a\": 1}\n{\"b\": 2}\n".utf8)[...]) == .kind(.ndjson))
        let log = "1795555185.7 2026-11-24 21:19:45 MainProcess-3131 MainThread-1 parsl.usage_tracking.usage:167 construct_start_message DEBUG: Usage tracking start message: {'a': 1}\n"
        #expect(InputOpener.detect(Array(log.utf8)[...]) == .kind(.log))
        // An old client's log holds no usage line, only Parsl's log format.
        let oldLog = "1795661816.942821 2026-11-26 02:56:56 MainProcess-31211 MainThread-1 parsl.dataflow.dflow:89 __init__ INFO: Starting DataFlowKernel with\nConfig(\n"
        #expect(InputOpener.detect(Array(oldLog.utf8)[...]) == .kind(.log))
        #expect(
            InputOpener.detect(Array("2024 was a year\n".utf8)[...])
                == .unrecognized("text with no usage message line, wire line or JSON value"))
        #expect(InputOpener.detect([0xD4, 0xC3, 0xB2, 0xA1, 2, 0][...]) == .kind(.pcap))
        #expect(InputOpener.detect([0x0A, 0x0D, 0x0D, 0x0A, 0, 0][...]) == .kind(.pcap))
        #expect(InputOpener.detect([0xA1, 0xB2, 0x3C, 0x4D][...]) == .kind(.pcap))
    }

    @Test func wireLinesAreDatagramsNumberedByLine() throws {
        let (kind, found) = try records("1{\"a\": 1}\n\n{\"legacy\": true}\r\nxyz\n")
        #expect(kind == .wire)
        #expect(found.map(\.locator) == [.line(1), .line(3), .line(4)])
        guard case .datagram(let bytes) = found[1].payload else {
            Issue.record("not a datagram")
            return
        }
        #expect(bytes == Array("{\"legacy\": true}".utf8))  // the \r of a CRLF line is not payload
    }

    @Test func logLinesAreDecodedAndOtherLinesSkipped() throws {
        let log = """
            1.0 2026-11-24 21:19:45 MainProcess-1 MainThread-1 parsl.dataflow.dflow:100 __init__ INFO: Starting DataFlowKernel
            1.1 2026-11-24 21:19:45 MainProcess-1 MainThread-1 parsl.usage_tracking.usage:167 construct_start_message DEBUG: Usage tracking start message: {'correlator': 'x', 'tracking_level': 3}
            1.2 2026-11-24 21:19:46 MainProcess-1 MainThread-1 parsl.usage_tracking.usage:200 construct_end_message DEBUG: Usage tracking end message (unencoded): {'correlator': 'x', 'end': 5
            1.3 2026-11-24 21:19:46 MainProcess-1 MainThread-1 parsl.usage_tracking.usage:210 send_UDP_message DEBUG: Usage tracking failed: Can't pickle <function udp_messenger>

            """
        let (kind, found) = try records(log)
        #expect(kind == .log)
        #expect(found.map(\.locator) == [.line(2), .line(3)])
        guard case .logged(.start, .success(let value)) = found[0].payload,
            case .logged(.end, .failure(let error)) = found[1].payload
        else {
            Issue.record("unexpected payloads \(found.map(\.payload))")
            return
        }
        #expect(value["tracking_level"] == .integer(3))
        #expect(error.message.contains("ends early"))
    }

    @Test func anOverlongLineIsReportedNotLost() throws {
        let long = "1{\"x\": \"" + String(repeating: "a", count: 2 << 20) + "\"}\n1{}\n"
        let (_, found) = try records(long, kind: .wire)
        #expect(found.count == 2)
        guard case .problem(.recordTooLong(let limit)) = found[0].payload else {
            Issue.record("overlong line not reported: \(found[0].payload)")
            return
        }
        #expect(limit == LineRecordReader.maxLineBytes)
        #expect(found[1].locator == .line(2))
    }

    @Test func aMissingFileIsAnErrorNamingIt() {
        #expect {
            _ = try InputOpener.open(path: "/nonexistent/usage.pcap")
        } throws: { error in
            (error as? InputError).map { $0.source == "/nonexistent/usage.pcap" && $0.message.contains("cannot open") } == true
        }
    }
}

@Suite("Reading large inputs")
struct LargeInputTests {
    @Test func linesAcrossReadChunksComeOutWholeAndInOrder() throws {
        // Many lines of varying length, well past the 256 KiB read chunk, so lines straddle chunk borders.
        var text = ""
        var expected: [String] = []
        for i in 0..<20_000 {
            let line = "1{\"n\": \(i), \"pad\": \"" + String(repeating: "x", count: i % 97) + "\"}"
            expected.append(line)
            text += line + (i % 3 == 0 ? "\r\n" : "\n")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("usage-audit-large-\(UUID().uuidString)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try InputOpener.open(path: path)
        var count = 0
        while let record = reader.next() {
            guard case .datagram(let bytes) = record.payload else {
                Issue.record("record \(count + 1) is not a datagram")
                return
            }
            #expect(String(decoding: bytes, as: UTF8.self) == expected[count])
            #expect(record.locator == .line(count + 1))
            count += 1
        }
        #expect(count == expected.count)
    }
}
