/// Bounds-checked reads of big- and little-endian integers from captured bytes.
///
/// Every read of packet data goes through these, and each caller checks `count` first; the `precondition`
/// turns a missed check into a clean trap in tests rather than a read past the buffer.
extension UnsafeRawBufferPointer {
    @inline(__always)
    func bigEndianUInt16(at offset: Int) -> UInt16 {
        precondition(offset >= 0 && offset + 2 <= count, "read past the captured bytes")
        return UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    func bigEndianUInt32(at offset: Int) -> UInt32 {
        precondition(offset >= 0 && offset + 4 <= count, "read past the captured bytes")
        return UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    func bigEndianUInt64(at offset: Int) -> UInt64 {
        precondition(offset >= 0 && offset + 8 <= count, "read past the captured bytes")
        return UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always)
    func uint16(at offset: Int, bigEndian: Bool) -> UInt16 {
        precondition(offset >= 0 && offset + 2 <= count, "read past the buffer")
        let raw = loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        return bigEndian ? UInt16(bigEndian: raw) : UInt16(littleEndian: raw)
    }

    @inline(__always)
    func uint32(at offset: Int, bigEndian: Bool) -> UInt32 {
        precondition(offset >= 0 && offset + 4 <= count, "read past the buffer")
        let raw = loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)
    }
}
