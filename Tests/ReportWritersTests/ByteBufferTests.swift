import Bytes
import Testing

/// `ByteBuffer`, what the JSON report's elements and the spool's records are built in: it must hold exactly
/// the bytes appended, in order, across growth. It cannot be copied (the compiler holds every use to that), so
/// what is left to show is that moving it keeps its bytes and that copying them out gives a value of its own.
@Suite struct ByteBufferTests {
    @Test func holdsEveryPieceInOrderAcrossGrowth() {
        var buffer = ByteBuffer(capacity: 1)
        var expected: [UInt8] = []
        for round in 0..<2_000 {
            let piece = (0..<(round % 37)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ round) }
            switch round % 5 {
            case 0: buffer.append(contentsOf: piece)
            case 1: piece.withUnsafeBufferPointer { buffer.append(contentsOf: $0) }
            case 2: piece.withUnsafeBytes { buffer.append(contentsOf: $0) }
            case 3: for byte in piece { buffer.append(byte) }
            default:
                var other = ByteBuffer(capacity: 1)
                other.append(contentsOf: piece)
                buffer.append(contentsOf: other)
            }
            expected += piece
        }
        #expect(buffer.count == expected.count)
        #expect(buffer.array == expected)
    }

    /// What the JSON report does with a message's source and locator, written once and copied into its
    /// first sighting: the copy is of the bytes held, also when appending it grows the buffer.
    @Test func aCopyOfBytesAlreadyHeldIsAppendedAcrossGrowth() {
        var buffer = ByteBuffer(capacity: 16)
        buffer.append(contentsOf: Array("0123456789abcdef".utf8))
        buffer.appendCopy(of: 2..<12)
        buffer.appendCopy(of: 5..<5)
        buffer.appendCopy(of: 20..<26)
        #expect(String(decoding: buffer.array, as: UTF8.self) == "0123456789abcdef23456789ab6789ab")
    }

    @Test func literalsAndStringsAppendTheirUTF8() {
        var buffer = ByteBuffer()
        buffer.append("{\"key\": ")
        buffer.append(utf8: "naïve ✓")
        buffer.append(utf8: "")
        buffer.append("}")
        #expect(buffer.array == Array("{\"key\": naïve ✓}".utf8))
    }

    @Test(arguments: [
        Int64(0), 7, 9, 10, 42, 99, 100, 65_535, 1_000_000, -1, -9, -10, -12_345, Int64.max, Int64.min,
    ])
    func decimalsAreWhatStringWrites(_ value: Int64) {
        var buffer = ByteBuffer(capacity: 1)
        buffer.append("x")
        buffer.append(decimal: value)
        #expect(String(decoding: buffer.array, as: UTF8.self) == "x" + String(value))
    }

    @Test func aMovedBufferKeepsItsBytesAndCopiesOutAreValues() {
        var original = ByteBuffer(capacity: 1)
        original.append(contentsOf: [1, 2, 3])
        var moved = original
        moved.append(4)
        let copiedOut = moved.array
        moved.removeAll()
        moved.append(9)
        #expect(copiedOut == [1, 2, 3, 4])
        #expect(moved.array == [9])
    }

    @Test func removeAllEmptiesAndTheBufferIsReusable() {
        var buffer = ByteBuffer(capacity: 4)
        buffer.append(contentsOf: Array(repeating: 0xAB, count: 100))
        buffer.removeAll()
        let emptied = buffer.isEmpty
        #expect(emptied)
        buffer.append(contentsOf: [5, 6])
        #expect(buffer.array == [5, 6])
        let nothing: [UInt8] = []
        nothing.withUnsafeBytes { buffer.append(contentsOf: $0) }
        #expect(buffer.array == [5, 6])
    }

    /// LEB128, as the spool reads it back: seven bits a byte, low bits first, the high bit on all but the last.
    @Test func varintsAreLEB128InEitherSink() {
        let cases: [(UInt64, [UInt8])] = [
            (0, [0]), (127, [0x7F]), (128, [0x80, 0x01]), (300, [0xAC, 0x02]), (16_383, [0xFF, 0x7F]),
            (16_384, [0x80, 0x80, 0x01]),
            (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        ]
        for (value, expected) in cases {
            var array: [UInt8] = []
            array.append(varint: value)
            var buffer = ByteBuffer()
            buffer.append(varint: value)
            #expect(array == expected, "\(value)")
            #expect(buffer.array == expected, "\(value)")
            // After other bytes, where the varint's capacity test must grow the storage first.
            var full = ByteBuffer(capacity: 16)
            full.append(contentsOf: Array(repeating: 7, count: 15))
            full.append(varint: value)
            #expect(full.array == Array(repeating: 7, count: 15) + expected, "\(value)")
        }
    }
}

/// `Bytewise`, what the verdict memo confirms a digest's hit with: it must say what
/// `memcmp` says for every length, wherever the runs differ, and read only the bytes it is given.
@Suite struct BytewiseTests {
    @Test func equalAgreesWithByteByByteComparisonAtEveryLengthAndPlace() {
        for count in 0...40 {
            let a = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            a.withUnsafeBytes { pa in
                #expect(
                    Bytewise.equal(
                        pa.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!,
                        pa.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!, count: count))
            }
            for place in 0..<count {
                var b = a
                b[place] ^= 0x40
                let same = a.withUnsafeBytes { pa in
                    b.withUnsafeBytes { pb in Bytewise.equal(pa.baseAddress!, pb.baseAddress!, count: count) }
                }
                #expect(!same, "length \(count), differing at \(place)")
            }
        }
    }

    /// A short run's word is built from exactly its bytes, each run alone in an allocation of its size.
    @Test func shortWordIsTheLittleEndianWordOfItsBytes() {
        for count in 0..<8 {
            let bytes = (0..<count).map { UInt8(0xA0 + $0) }
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 1)
            defer { buffer.deallocate() }
            for (index, byte) in bytes.enumerated() { buffer.storeBytes(of: byte, toByteOffset: index, as: UInt8.self) }
            var expected: UInt64 = 0
            for (index, byte) in bytes.enumerated() { expected |= UInt64(byte) << (8 * index) }
            #expect(Bytewise.shortWord(UnsafeRawPointer(buffer), count: count) == expected, "\(count) bytes")
        }
    }
}
