import CaptureReaders
import Testing
import TestSupport

@Suite("hostile input")
struct HostileInputTests {
    /// Real captures with bytes flipped at random: the reader must end (nothing hangs or crashes) and its
    /// events must be well formed, whatever the damage.
    @Test("corrupted captures never crash or hang", arguments: ["veth-fragments.pcap", "mixed-link-types.pcapng"])
    func corrupted(_ name: String) throws {
        let original = CommittedCaptures.fileBytes(name)
        try #require(!original.isEmpty)
        var generator = SplitMix64(seed: 0x5EED)
        for round in 0..<150 {
            var bytes = original
            for _ in 0..<(1 + round % 20) {
                // Mostly past the file header, so that the body is exercised rather than the open error.
                let index = Int.random(in: min(24, bytes.count - 1)..<bytes.count, using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            }
            let events: [CaptureEvent]
            do {
                events = try readEvents(bytes)
            } catch {
                continue  // the header was hit: an open error is a fine outcome
            }
            #expect(events.compactMap(\.damage).count <= 1, "round \(round)")
            if let damage = events.firstIndex(where: { $0.damage != nil }) {
                #expect(damage == events.count - 1, "round \(round): events after the damage")
            }
            for datagram in events.compactMap(\.datagram) {
                #expect(datagram.frame >= 1 && datagram.payload.count <= 65_535, "round \(round)")
            }
        }
    }

    @Test("thousands of tiny fragments are bounded")
    func tinyFragments() throws {
        let transport = Build.udp(payload: Array(repeating: 0x41, count: 8000))
        let frames = Build.ipv4Fragments(transport: transport, size: 8).map { TestFrame($0) }
        let events = try readEvents(TestCapture.pcap(frames, linkType: 228))
        #expect(events.first?.fragmentLoss?.reason == .tooManyFragments)
        #expect(events.first?.fragmentLoss?.fragmentsReceived == 513)
        #expect(events.compactMap(\.datagram).isEmpty)
    }

    @Test("an IPv6 extension-header chain longer than the bound is not followed")
    func longExtensionChain() throws {
        let chain = (0..<20).flatMap { _ in Build.optionsHeader(next: 60) } + Build.optionsHeader(next: 17)
        let packet = Build.ipv6(nextHeader: 60, payload: chain + Build.udp(payload: Build.usagePayload(1)))
        #expect(try readEvents(TestCapture.pcap([TestFrame(packet)], linkType: 229)).isEmpty)
        let short = Build.ipv6(
            nextHeader: 60,
            payload: Build.optionsHeader(next: 60) + Build.optionsHeader(next: 17)
                + Build.udp(payload: Build.usagePayload(1)))
        #expect(try readEvents(TestCapture.pcap([TestFrame(short)], linkType: 229)).count == 1)
    }

    @Test("a pcapng block claiming more than 16 MiB is damage, not an allocation")
    func hugeBlock() throws {
        var file = TestCapture.pcapng(
            [usageFrame(1), usageFrame(2)], interfaces: [.init(linkType: 1)], extraBlocks: false)
        let secondBlock = file.count - (12 + 20 + (usageFrame(1).bytes.count + 3) / 4 * 4)
        file.replaceSubrange((secondBlock + 4)..<(secondBlock + 8), with: [0, 0, 0, 0x40])  // 1 GiB
        let events = try readEvents(file)
        #expect(events.compactMap(\.datagram).map(\.frame) == [1])
        #expect(events.last?.damage?.reason.contains("impossible length") == true)
    }
}
