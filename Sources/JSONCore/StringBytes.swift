#if arch(x86_64)
    import CInline
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Scans of string bytes many at a time: nearly every byte of a usage message's strings needs no escape, and
/// testing sixteen (SSE2, `CInline`, on x86-64) or eight (a word in Swift, elsewhere) costs about what
/// testing one byte did.
public enum StringBytes {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Bits set at the bytes of `word` that are a quote, a backslash or a control character (below 0x20).
    /// Only the lowest set bit is exact (a borrow can flag a byte above a match), which is all a scan needs.
    @inline(__always)
    private static func specials(_ word: UInt64) -> UInt64 {
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let zeroInQuote = (quote &- ones) & ~quote
        let zeroInBackslash = (backslash &- ones) & ~backslash
        let control = (word &- ones &* 0x20) & ~word
        return (zeroInQuote | zeroInBackslash | control) & highBits
    }

    /// The index of the first quote, backslash or control byte at or after `start`, or `bytes.count`;
    /// `sawNonASCII` is set when a byte of 0x80 or more may lie before it (it may also be set by one just
    /// after it, in the same word: a caller then checks UTF-8 it did not need to).
    @inline(__always)
    static func firstSpecial(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, sawNonASCII: inout Bool) -> Int {
        #if arch(x86_64)
            guard let base = bytes.baseAddress else { return start }
            var high: Int32 = 0
            let found = ua_first_special(base, bytes.count, start, &high)
            if high != 0 { sawNonASCII = true }
            return found
        #else
            return firstSpecialWordAtATime(in: bytes, from: start, sawNonASCII: &sawNonASCII)
        #endif
    }

    /// `firstSpecial` eight bytes at a time in Swift: where SSE2 is not there (every x86-64 processor has it).
    @inline(__always)
    static func firstSpecialWordAtATime(
        in bytes: UnsafeBufferPointer<UInt8>, from start: Int, sawNonASCII: inout Bool
    ) -> Int {
        var index = start
        // The base once, and wrapping arithmetic on offsets below `bytes.count`: the checked loop spent 10 of
        // its 24 instructions a word testing for a nil base and for overflow.
        if let base = bytes.baseAddress, bytes.count >= 8 {
            let raw = UnsafeRawPointer(base)
            let lastWord = bytes.count &- 8
            var seenHigh: UInt64 = 0
            while index <= lastWord {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                seenHigh |= word & highBits
                let found = specials(word)
                if found != 0 {
                    if seenHigh != 0 { sawNonASCII = true }
                    return index &+ found.trailingZeroBitCount / 8
                }
                index &+= 8
            }
            if seenHigh != 0 { sawNonASCII = true }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 || byte == 0x5C || byte < 0x20 { return index }
            if byte >= 0x80 { sawNonASCII = true }
            index += 1
        }
        return index
    }

    /// 36 bytes with hyphens where a UUID's text has them: a correlator, unique by design, which the caches
    /// of strings (interning, verdict memos) leave out rather than let it push out a string that comes back.
    @inlinable
    public static func isUUIDShaped(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count == 36 && bytes[8] == UInt8(ascii: "-") && bytes[13] == UInt8(ascii: "-")
            && bytes[18] == UInt8(ascii: "-") && bytes[23] == UInt8(ascii: "-")
    }

    /// Whether a string's UTF-8 `bytes` need an escape in JSON: a quote, a backslash or a control character
    /// (what the report writers ask of every string they write; the reader's scan, `firstSpecial`, looks for
    /// the same bytes).
    public static func needsJSONEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var sawNonASCII = false
        return firstSpecial(in: bytes, from: 0, sawNonASCII: &sawNonASCII) < bytes.count
    }

    /// Whether every byte is below 0x80, eight bytes at a time.
    public static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let raw = UnsafeRawBufferPointer(bytes)
        while index + 8 <= bytes.count {
            if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & highBits != 0 { return false }
            index += 8
        }
        while index < bytes.count {
            if bytes[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }

    /// Whether `bytes` begins with `prefix`: one `memcmp`.
    public static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= prefix.count else { return false }
        guard let start = bytes.baseAddress, let other = prefix.baseAddress else { return true }
        return memcmp(start, other, prefix.count) == 0
    }
}
