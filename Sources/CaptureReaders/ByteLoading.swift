/// Bounds-checked reads of big- and little-endian integers: the one byte-order helper of the package, behind
/// packet headers, pcapng blocks and the journal's records alike.
///
/// Every read of untrusted bytes goes through it, and each caller checks `count` first; the `precondition`
/// turns a missed check into a clean trap in tests rather than a read past the buffer.
extension UnsafeRawBufferPointer {
    /// The `T` whose bytes start at `offset`, in network order (big-endian) unless `bigEndian` is false.
    @inlinable @inline(__always)
    package func integer<T: FixedWidthInteger>(_ type: T.Type, at offset: Int, bigEndian: Bool = true) -> T {
        precondition(offset >= 0 && offset <= count - MemoryLayout<T>.size, "read past the buffer")
        let raw = loadUnaligned(fromByteOffset: offset, as: T.self)
        return bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
    }
}
