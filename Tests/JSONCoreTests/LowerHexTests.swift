import Bytes
import Testing

/// The one hexadecimal writer behind fingerprints, correlators, identity hashes and byte dumps.
@Suite struct LowerHexTests {
    @Test func everyByteIsItsTwoLowerCaseDigits() {
        for byte in UInt8.min...UInt8.max {
            #expect(LowerHex.string(CollectionOfOne(byte)) == String(format: "%02x", byte))
        }
        #expect(LowerHex.string([0xDE, 0xAD, 0x00, 0x0F]) == "dead000f")
        #expect(LowerHex.string([UInt8]()) == "")
    }

    @Test func aValueIsWrittenMostSignificantDigitFirst() {
        var buffer = [UInt8](repeating: UInt8(ascii: "."), count: 20)
        buffer.withUnsafeMutableBytes { bytes in
            LowerHex.write(0x0123_4567_89AB_CDEF, digits: 16, into: bytes, at: 2)
            LowerHex.write(0xFFFF_FFFF_FFFF_0A1B, digits: 4, into: bytes, at: 0)
        }
        #expect(String(decoding: buffer, as: UTF8.self) == "0a1b23456789abcdef..")
        var appended = ByteBuffer()
        LowerHex.append(byte: 0x7E, to: &appended)
        #expect(appended.array == Array("7e".utf8))
    }

    /// Digits are read as words of eight (a UUID correlator's): every byte at every place of a word is taken
    /// exactly when it is a lower-case hexadecimal digit, with its value at that place; what is written reads
    /// back.
    @Test func eightDigitsAtATimeAcceptLowerCaseHexOnly() {
        let digits = Array("0123456789abcdef".utf8)
        for place in 0..<8 {
            for byte in UInt8.min...UInt8.max {
                var bytes = [UInt8](repeating: UInt8(ascii: "0"), count: 8)
                bytes[place] = byte
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                let expected = digits.firstIndex(of: byte).map { UInt64($0) << (4 * (7 - place)) }
                #expect(LowerHex.value(ofEightDigits: word) == expected, "byte \(byte) at \(place)")
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1_000 {
            let value = UInt64(UInt32.random(in: .min ... .max, using: &generator))
            var bytes = [UInt8](repeating: 0, count: 8)
            bytes.withUnsafeMutableBytes { LowerHex.write(value, digits: 8, into: $0, at: 0) }
            #expect(LowerHex.value(ofEightDigits: bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }) == value)
        }
    }
}
