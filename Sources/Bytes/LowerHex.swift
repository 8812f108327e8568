/// Lower-case hexadecimal digits: the one writer behind every hexadecimal text the package makes
/// (fingerprints, a UUID correlator spelled again, identity hashes, the first bytes of a binary file, escape
/// sentinels, payload dumps), so that each does not carry its own table.
public enum LowerHex {
    /// The digit of the low four bits of `nibble`, read from a table in the binary (a literal: no array to
    /// test the bounds of, no lazy global to initialize).
    @inlinable @inline(__always)
    public static func digit(_ nibble: UInt8) -> UInt8 {
        let digits: StaticString = "0123456789abcdef"
        return digits.utf8Start[Int(nibble & 0xF)]
    }

    /// The `count` low digits of `value` (most significant first), written into `buffer` from `start`.
    @inlinable @inline(__always)
    public static func write(
        _ value: UInt64, digits count: Int, into buffer: UnsafeMutableRawBufferPointer, at start: Int
    ) {
        var rest = value
        var place = start + count
        while place > start {
            place -= 1
            buffer[place] = digit(UInt8(truncatingIfNeeded: rest))
            rest >>= 4
        }
    }

    /// `byte` as two digits, appended.
    @inlinable @inline(__always)
    public static func append(byte: UInt8, to out: inout some ByteSink & ~Copyable) {
        out.append(digit(byte >> 4))
        out.append(digit(byte))
    }

    /// Every byte of `bytes` as two digits, without separators.
    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes { append(byte: byte, to: &text) }
        return String(decoding: text, as: UTF8.self)
    }
}
