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
}
