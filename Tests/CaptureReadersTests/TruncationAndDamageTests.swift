import CaptureReaders
import Testing

@Suite("snap length, damaged files, open errors")
struct TruncationAndDamageTests {
    @Test("a datagram cut by the snap length is truncated, with both lengths", arguments: [false, true])
    func snapLength(pcapng: Bool) throws {
        let long = usageFrame(1)
        let short = TestFrame(
            Build.ethernet(
                etherType: Build.etherTypeIPv4, payload: Build.ipv4(payload: Build.udp(payload: Array("1{}".utf8)))))
        let frames = [long.snapped(to: 96), usageFrame(2, destinationPort: 53).snapped(to: 96), short]
        let file =
            pcapng
            ? TestCapture.pcapng(frames, interfaces: [.init(linkType: 1, snapLength: 96)])
            : TestCapture.pcap(frames, snapLength: 96)
        let events = try readEvents(file)
        #expect(events.count == 2)
        let cut = try #require(events.first?.truncation)
        #expect(cut.frame == 1)
        #expect(cut.capturedLength == 96)
        #expect(cut.originalLength == long.bytes.count)
        #expect(cut.destination.port == 50077)
        #expect(events.last?.datagram?.frame == 3)
        #expect(events.last?.datagram?.payload == Array("1{}".utf8))
    }

    @Test("a cut fragment makes its reassembled datagram truncated")
    func cutFragment() throws {
        let payload = Build.usagePayload(3, padTo: 3000)
        let pieces = Build.ipv4Fragments(transport: Build.udp(payload: payload), size: 1480)
            .map { TestFrame(Build.ethernet(etherType: Build.etherTypeIPv4, payload: $0)) }
        let frames = [pieces[0], pieces[1].snapped(to: 200), pieces[2]]
        let events = try readEvents(TestCapture.pcap(frames))
        #expect(events.count == 1)
        let cut = try #require(events.first?.truncation)
        #expect(cut.frame == 2)
        #expect(cut.capturedLength == 200)
    }

    @Test("a pcap file cut inside a record: frames before it are delivered, then the damage")
    func truncatedPcap() throws {
        let whole = TestCapture.pcap([usageFrame(1), usageFrame(2), usageFrame(3)])
        let recordLength = 16 + usageFrame(1).bytes.count
        for cutAt in [whole.count - 10, whole.count - recordLength + 5] {
            let events = try readEvents(Array(whole.prefix(cutAt)))
            #expect(events.compactMap(\.datagram).map(\.frame) == [1, 2])
            let damage = try #require(events.last?.damage)
            #expect(damage.frame == 3)
            #expect(damage.reason.contains("truncated"))
        }
    }

    @Test("a pcap record with an impossible length")
    func impossiblePcapRecord() throws {
        var file = TestCapture.pcap([usageFrame(1), usageFrame(2)])
        let second = 24 + 16 + usageFrame(1).bytes.count
        file.replaceSubrange((second + 8)..<(second + 12), with: [0xFF, 0xFF, 0xFF, 0x7F])
        let events = try readEvents(file)
        #expect(events.count == 2)
        #expect(events.last?.damage?.frame == 2)
    }

    @Test("a pcapng file cut or corrupted: frames before are delivered, the damage names its offset")
    func damagedPcapng() throws {
        let frames = [usageFrame(1), usageFrame(2), usageFrame(3)]
        let whole = TestCapture.pcapng(frames, interfaces: [.init(linkType: 1)], extraBlocks: false)
        let blockLength = 12 + 20 + (usageFrame(1).bytes.count + 3) / 4 * 4
        let thirdBlock = whole.count - blockLength

        let cut = try readEvents(Array(whole.prefix(whole.count - 7)))
        #expect(cut.compactMap(\.datagram).map(\.frame) == [1, 2])
        #expect(cut.last?.damage == CaptureDamage(frame: 3, offset: thirdBlock, reason: cut.last?.damage?.reason ?? ""))
        #expect(cut.last?.damage?.reason.contains("ends inside") == true)

        var badLength = whole
        badLength[thirdBlock + 4] = 0x03  // a length not a multiple of 4
        #expect(try readEvents(badLength).last?.damage?.reason.contains("impossible length") == true)

        var mismatch = whole
        mismatch[whole.count - 4] ^= 0x04  // trailing length differs
        let events = try readEvents(mismatch)
        #expect(events.compactMap(\.datagram).count == 2)
        #expect(events.last?.damage?.reason.contains("different lengths") == true)

        var badInterface = whole
        badInterface[thirdBlock + 8] = 7  // interface 7 is not described
        #expect(try readEvents(badInterface).last?.damage?.reason.contains("interface 7") == true)
    }

    @Test("damage with fragments pending: the losses, then the damage, last")
    func damageWithPendingFragments() throws {
        let pieces = Build.ipv4Fragments(transport: Build.udp(payload: Build.usagePayload(1, padTo: 3000)), size: 1480)
            .map { TestFrame(Build.ethernet(etherType: Build.etherTypeIPv4, payload: $0)) }
        let file = TestCapture.pcap([pieces[0], pieces[1], usageFrame(2)])
        let events = try readEvents(Array(file.prefix(file.count - 3)))
        #expect(events.count == 2)
        #expect(events[0].fragmentLoss?.reason == .endOfCapture)
        #expect(events[1].damage?.frame == 3)
    }

    @Test("open errors carry a code, a message and the path")
    func openErrors() throws {
        #expect(throws: CaptureOpenError.self) { try CaptureReader(path: "/nonexistent/lo.pcap") }
        do {
            _ = try CaptureReader(path: "/nonexistent/lo.pcap")
        } catch {
            #expect(error.code == .unreadable)
            #expect(error.path == "/nonexistent/lo.pcap")
            #expect(error.description == "/nonexistent/lo.pcap: No such file or directory")
        }
        let cases: [([UInt8], CaptureOpenError.Code)] = [
            (Array("1{\"correlator\": \"x\"}\n".utf8), .notACapture),
            ([], .notACapture),
            (Array(TestCapture.pcap([]).prefix(10)), .badHeader),
        ]
        for (bytes, code) in cases {
            let file = TemporaryFile(bytes)
            defer { file.remove() }
            do {
                _ = try CaptureReader(path: file.path)
                Issue.record("\(bytes.prefix(8)) opened")
            } catch {
                #expect(error.code == code)
                #expect(error.path == file.path)
                #expect(!error.message.isEmpty)
            }
        }
        do {
            _ = try CaptureReader(path: "/tmp")
            Issue.record("a directory opened")
        } catch {
            #expect(error.code == .unreadable || error.code == .notACapture)
        }
    }

    @Test("statistics count frames, bytes and events")
    func statistics() throws {
        let file = TemporaryFile(TestCapture.pcap([usageFrame(1), TestFrame(Build.arpRequest()), usageFrame(2)]))
        defer { file.remove() }
        let reader = try CaptureReader(path: file.path)
        #expect(reader.format == .pcap)
        while reader.next() != nil {}
        #expect(reader.next() == nil)
        #expect(reader.statistics.frames == 3)
        #expect(reader.statistics.datagrams == 2)
        #expect(reader.statistics.frameBytes == 2 * usageFrame(1).bytes.count + Build.arpRequest().count)
    }
}
