import CaptureReaders
import Testing
import TestSupport

/// Time stamps keep their invariant (a fraction below one second) whatever a capture claims, and arithmetic
/// on them saturates instead of trapping; floods of fragments stay within time and memory.
@Suite("hostile time stamps and fragment floods")
struct HostileTimestampTests {
    @Test("fractions of a second or more are carried into the seconds")
    func normalised() {
        let carried = CaptureTimestamp(seconds: 10, nanoseconds: 5_000_000_000 as Int64)
        #expect(carried.seconds == 15 && carried.nanoseconds == 0)
        let wide = CaptureTimestamp(seconds: 10, nanoseconds: UInt32.max)
        #expect(wide.seconds == 14 && wide.nanoseconds == 294_967_295)
        let negative = CaptureTimestamp(seconds: 10, nanoseconds: -250_000_000 as Int64)
        #expect(negative.seconds == 9 && negative.nanoseconds == 750_000_000)
        #expect(CaptureTimestamp(seconds: 1, nanoseconds: 999_999_999).description == "1.999999999")
    }

    @Test("times beyond Int64 seconds saturate, and every time prints")
    func saturated() {
        let top = CaptureTimestamp(seconds: .max, nanoseconds: 3_000_000_000 as Int64)
        #expect(top.seconds == .max && top.nanoseconds == 999_999_999)
        #expect(top.adding(seconds: 30) == top.adding(seconds: 1))
        #expect(top.adding(seconds: 30).seconds == .max)
        let bottom = CaptureTimestamp(seconds: .min, nanoseconds: -1 as Int64)
        #expect(bottom.seconds == .min && bottom.nanoseconds == 0)
        #expect(CaptureTimestamp(seconds: .min, nanoseconds: 0).adding(seconds: -1).seconds == .min)
        for timestamp in [top, bottom, CaptureTimestamp(seconds: -2, nanoseconds: 750_000_000)] {
            #expect(!timestamp.description.isEmpty)
        }
        #expect(CaptureTimestamp(seconds: -2, nanoseconds: 750_000_000).description == "-1.250000000")
        #expect(CaptureTimestamp(seconds: -1, nanoseconds: 0).description == "-1.000000000")
    }

    /// A microsecond pcap record whose microseconds field holds 5,000,000 (five seconds): libpcap passes it
    /// on as 5,000,000,000 ns.
    @Test("a pcap record with 5,000,000 microseconds reads as five more seconds")
    func microsecondsBeyondASecond() throws {
        var bytes = TestCapture.pcap([usageFrame(1, seconds: 100), usageFrame(2, seconds: 200)])
        // The first record's header starts after the 24-byte file header: seconds, then microseconds.
        let fraction = 24 + 4
        bytes.replaceSubrange(fraction..<(fraction + 4), with: [0x40, 0x4B, 0x4C, 0x00])  // 5,000,000, little-endian
        let datagrams = try readEvents(bytes).compactMap(\.datagram)
        #expect(datagrams.count == 2)
        let first = try #require(datagrams.first).timestamp
        #expect(first.seconds == 105 && first.nanoseconds == 0)
        #expect(first.description == "105.000000000")
        #expect(datagrams.allSatisfy { $0.timestamp.nanoseconds < 1_000_000_000 })
    }

    @Test("a pcap record with the largest microseconds field stays in range")
    func largestMicroseconds() throws {
        var bytes = TestCapture.pcap([usageFrame(1, seconds: 0xFFFF_FFFF)])
        bytes.replaceSubrange(24..<32, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        let datagram = try #require(readEvents(bytes).compactMap(\.datagram).first)
        #expect(datagram.timestamp.nanoseconds < 1_000_000_000)
        #expect(!datagram.timestamp.description.isEmpty)
    }

    @Test("fragments at the edges of time expire without trapping")
    func fragmentsAtTheEdgesOfTime() throws {
        let transport = Build.udp(payload: Array(repeating: 0x41, count: 64))
        let pieces = Build.ipv4Fragments(transport: transport, size: 16)
        // The first fragment at the end of 32-bit time, a duplicate at time 0: the timeout arithmetic must
        // neither overflow nor drop the datagram as expired when it is not.
        let frames = [TestFrame(pieces[0], seconds: 0xFFFF_FFFF)] + pieces.dropFirst().map { TestFrame($0, seconds: 0) }
            + pieces.map { TestFrame($0, seconds: 0) }
        let events = try readEvents(TestCapture.pcap(frames, linkType: 228))
        #expect(events.contains { $0.datagram != nil || $0.fragmentLoss != nil })
    }

    @Test("a flood of fragments of distinct datagrams stays within time and memory")
    func fragmentFlood() throws {
        // 6,000 first fragments, each of its own datagram, none ever completed: beyond 1,024 pending, each
        // new one gives up the oldest, found without a scan of all of them.
        let frames = (0..<6_000).map { index -> TestFrame in
            let transport = Build.udp(payload: Array(repeating: UInt8(index & 0xFF), count: 1400))
            let first = Build.ipv4Fragments(transport: transport, size: 1400 - 8 * 8, identification: UInt16(index & 0xFFFF))[0]
            return TestFrame(first, seconds: 1_795_555_185 + Int64(index / 1000))
        }
        let capture = TestCapture.pcap(frames, linkType: 228)
        let (events, use) = try measure { try readEvents(capture) }
        #expect(events.compactMap(\.fragmentLoss).count == 6_000)
        #expect(use.seconds < 60 && use.peakGrowthMiB < 500, "\(use)")
    }
}
