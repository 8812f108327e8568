#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Array where Element == UInt8 {
    /// Whether these are the bytes of `other`: the counts, then one `memcmp`. (`elementsEqual` walks the
    /// two collections a byte at a time through their generic iterators, a dozen instructions a byte.)
    @inlinable
    public func hasSameBytes(as other: UnsafeRawBufferPointer) -> Bool {
        guard count == other.count else { return false }
        guard count > 0 else { return true }
        return withUnsafeBytes { memcmp($0.baseAddress!, other.baseAddress!, count) == 0 }
    }
}

/// Byte runs compared where they lie.
public enum Bytewise {
    /// The offset of the first `byte` among the `count` bytes at `base`, found by `memchr` (a loop over a
    /// buffer's generic slice costs a dozen instructions a byte).
    @inlinable
    public static func firstIndex(of byte: UInt8, in base: UnsafeRawPointer, count: Int) -> Int? {
        guard count > 0, let found = memchr(base, Int32(byte), count) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Whether the `count` bytes at `a` and at `b` are the same. Runs of up to 16 bytes (keys, versions,
    /// short names: most of what the verdict memo confirms) are compared as two words,
    /// overlapping when shorter than 16, or as a 4-, 2- and 1-byte piece below 8; longer ones with `memcmp`,
    /// whose call and dispatch on the length cost more than the short comparison itself. Reads only the
    /// `count` bytes at each.
    @inlinable @inline(__always)
    public static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
        if count >= 8 {
            if count > 16 { return memcmp(a, b, count) == 0 }
            return a.loadUnaligned(as: UInt64.self) == b.loadUnaligned(as: UInt64.self)
                && a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                    == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        return shortWord(a, count: count) == shortWord(b, count: count)
    }

    /// The `count` (below 8) bytes at `base` as a little-endian word, zero above them: a 4-, a 2- and a
    /// 1-byte load as `count`'s bits say, rather than a loop over the bytes.
    @inlinable @inline(__always)
    public static func shortWord(_ base: UnsafeRawPointer, count: Int) -> UInt64 {
        var word: UInt64 = 0
        var offset = 0
        if count & 4 != 0 {
            word = UInt64(UInt32(littleEndian: base.loadUnaligned(as: UInt32.self)))
            offset = 4
        }
        if count & 2 != 0 {
            let half = UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            word |= UInt64(half) &<< UInt64(offset &* 8)
            offset &+= 2
        }
        if count & 1 != 0 {
            word |= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) &<< UInt64(offset &* 8)
        }
        return word
    }
}
