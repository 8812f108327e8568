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

    /// The value of eight lower-case hexadecimal digits, the first in the word's lowest byte (as loaded from
    /// memory on a little-endian processor); `nil` if a byte is not one (upper case included). The reader of
    /// what `write` writes, eight digits at a time (a UUID correlator read into its bits).
    @inlinable @inline(__always)
    public static func value(ofEightDigits word: UInt64) -> UInt64? {
        let x = UInt64(littleEndian: word)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high = 0x80 &* ones
        // A byte below 0x80 plus (0x80 - bound) has its high bit set exactly when it is at least the bound,
        // and no carry leaves it.
        guard x & high == 0 else { return nil }
        @inline(__always) func atLeast(_ bound: UInt64) -> UInt64 { (x &+ (0x80 - bound) &* ones) & high }
        let digit = atLeast(0x30) & ~atLeast(0x3A), letter = atLeast(0x61) & ~atLeast(0x67)
        guard digit | letter == high else { return nil }
        // '0'-'9' are 0x30-0x39, 'a'-'f' 0x61-0x66: the low four bits, plus 9 for a letter (bit 6).
        let nibbles = (x & (0x0F &* ones)) &+ (x >> 6 & ones) &* 9
        // Pairs of digits into bytes (the first digit high), then the four bytes in order.
        let pairs = (nibbles & 0x000F_000F_000F_000F) << 4 | (nibbles >> 8 & 0x000F_000F_000F_000F)
        return (pairs & 0xFF) << 24 | (pairs >> 16 & 0xFF) << 16 | (pairs >> 32 & 0xFF) << 8 | (pairs >> 48 & 0xFF)
    }

    /// Every byte of `bytes` as two digits, without separators.
    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes { append(byte: byte, to: &text) }
        return String(decoding: text, as: UTF8.self)
    }
}
