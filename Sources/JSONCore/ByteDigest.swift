import Bytes

/// A fast 64-bit digest of a byte string (multiply and rotate over 8-byte words, the last one zero-padded),
/// for the caches that key on bytes: message shapes, the per-thread verdict memo and the fast JSON reader's
/// interned strings, report preparation's fingerprint hashes. Not keyed against collisions: every cache using
/// it is bounded and confirms a hit by comparing bytes, so colliding input (hostile or not) costs lookups,
/// never memory or a wrong answer.
public enum ByteDigest {
    @inline(__always)
    public static func of(_ raw: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var hash = seed ^ UInt64(raw.count)
        guard let base = raw.baseAddress else { return hash }
        var offset = 0
        // Wrapping arithmetic on offsets below `raw.count`: the checked loop tested each step for overflow.
        while offset &+ 8 <= raw.count {
            hash = mix(hash, base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset &+= 8
        }
        let rest = raw.count &- offset
        guard rest > 0 else { return hash ^ (hash >> 29) }
        // The last bytes, zero-padded, without a call to copy them: an overlapping load when the string has
        // a whole word, else a 4-, 2- and 1-byte load (a loop over up to seven bytes cost 85 instructions a
        // short key; the word is the same).
        var word: UInt64 = 0
        if raw.count >= 8 {
            word = base.loadUnaligned(fromByteOffset: raw.count - 8, as: UInt64.self).littleEndian >> (64 - 8 * rest)
        } else {
            word = Bytewise.shortWord(base, count: rest)
        }
        hash = mix(hash, UInt64(littleEndian: word))
        return hash ^ (hash >> 29)
    }

    @inline(__always)
    private static func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        let mixed = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
        return (mixed << 31) | (mixed >> 33)
    }
}
