/// A fast 64-bit digest of a byte string (multiply and rotate over 8-byte words, the last one zero-padded),
/// for the caches that key on bytes: message shapes and the per-thread verdict memo. Not keyed against
/// collisions: every cache using it is bounded, so colliding input (hostile or not) costs lookups, never
/// memory.
enum ByteDigest {
    @inline(__always)
    static func of(_ raw: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var hash = seed ^ UInt64(raw.count)
        guard let base = raw.baseAddress else { return hash }
        var offset = 0
        while offset < raw.count {
            var word: UInt64 = 0
            let take = min(8, raw.count - offset)
            if take == 8 {
                word = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            } else {
                withUnsafeMutableBytes(of: &word) { $0.baseAddress!.copyMemory(from: base + offset, byteCount: take) }
            }
            hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
            hash = (hash << 31) | (hash >> 33)
            offset += 8
        }
        return hash ^ (hash >> 29)
    }
}
