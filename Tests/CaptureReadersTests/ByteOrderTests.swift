import CaptureReaders
import TestSupport
import Testing

/// `integer(_:at:bigEndian:)`, the byte-order reads behind packet headers, pcapng blocks and journal records.
@Suite("byte order")
struct ByteOrderTests {
    /// Eight bytes after a leading byte, so that every read below is unaligned.
    static let bytes: [UInt8] = [0xEE, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]

    @Test("network order is the default: the first byte is the most significant")
    func bigEndianByDefault() {
        Self.bytes.withUnsafeBytes { raw in
            #expect(raw.integer(UInt16.self, at: 1) == 0x0102)
            #expect(raw.integer(UInt32.self, at: 1) == 0x0102_0304)
            #expect(raw.integer(UInt64.self, at: 1) == 0x0102_0304_0506_0708)
            #expect(raw.integer(UInt8.self, at: 0) == 0xEE)
        }
    }

    @Test("little-endian on request: the first byte is the least significant")
    func littleEndian() {
        Self.bytes.withUnsafeBytes { raw in
            #expect(raw.integer(UInt16.self, at: 1, bigEndian: false) == 0x0201)
            #expect(raw.integer(UInt32.self, at: 1, bigEndian: false) == 0x0403_0201)
            #expect(raw.integer(UInt64.self, at: 1, bigEndian: false) == 0x0807_0605_0403_0201)
        }
    }

    @Test("signed types keep their sign bit")
    func signed() {
        [UInt8]([0xFF, 0xFE]).withUnsafeBytes { raw in
            #expect(raw.integer(Int16.self, at: 0) == -2)
            #expect(raw.integer(Int16.self, at: 0, bigEndian: false) == -257)
        }
    }

    @Test("a value written in either order reads back", arguments: [false, true])
    func roundTrip(bigEndian: Bool) {
        var random = SplitMix64(seed: bigEndian ? 7 : 11)
        for _ in 0..<1000 {
            let value = random.next()
            let stored = bigEndian ? value.bigEndian : value.littleEndian
            let bytes = [0x55] + withUnsafeBytes(of: stored) { Array($0) }
            bytes.withUnsafeBytes { raw in
                #expect(raw.integer(UInt64.self, at: 1, bigEndian: bigEndian) == value)
                let lowHalf = UInt32(truncatingIfNeeded: value)
                #expect(raw.integer(UInt32.self, at: bigEndian ? 5 : 1, bigEndian: bigEndian) == lowHalf)
            }
        }
    }

    @Test("the last whole integer in the buffer is read")
    func lastIntegerInBuffer() {
        Self.bytes.withUnsafeBytes { raw in
            #expect(raw.integer(UInt32.self, at: raw.count - 4) == 0x0506_0708)
        }
    }

    @Test("a read that would pass the end traps instead of reading what follows the buffer")
    func readPastTheEndTraps() async {
        await #expect(processExitsWith: .failure) {
            [UInt8](repeating: 0, count: 3).withUnsafeBytes { raw in _ = raw.integer(UInt32.self, at: 0) }
        }
        await #expect(processExitsWith: .failure) {
            [UInt8](repeating: 0, count: 8).withUnsafeBytes { raw in _ = raw.integer(UInt16.self, at: -1) }
        }
    }
}
