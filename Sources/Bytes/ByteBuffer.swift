/// A growable run of bytes whose append costs a capacity test and a copy: what the spool encoder, the JSON
/// serializer and the JSON and SARIF reports append their pieces to, a few dozen per message or finding.
///
/// Why not `[UInt8]`: `Array.append(contentsOf:)` goes through the generic `Sequence` path (the source's
/// estimated count, a copy into uninitialized capacity, then a search for elements past that estimate), about
/// 70 instructions an append before the bytes move, 3% of a whole `check`. This keeps the value semantics
/// of an array (a copy that is changed gets bytes of its own) at the cost of one uniqueness test an append.
public struct ByteBuffer {
    @usableFromInline
    final class Storage {
        @usableFromInline var base: UnsafeMutablePointer<UInt8>
        @usableFromInline var capacity: Int

        @usableFromInline
        init(capacity: Int) {
            self.capacity = Swift.max(capacity, 16)
            base = .allocate(capacity: self.capacity)
        }

        deinit { base.deallocate() }
    }

    @usableFromInline var storage: Storage
    /// Bytes written so far (`count`), settable by the inlined appends.
    @usableFromInline var length = 0

    public var count: Int { length }

    /// An empty buffer with room for `capacity` bytes before it grows.
    public init(capacity: Int = 256) { storage = Storage(capacity: capacity) }

    public var isEmpty: Bool { count == 0 }

    /// Room for `extra` more bytes, in storage of this buffer's own.
    @inlinable @inline(__always)
    mutating func reserve(_ extra: Int) {
        if _slowPath(!isKnownUniquelyReferenced(&storage) || count + extra > storage.capacity) { grow(extra) }
    }

    /// Storage of its own, at least twice as large when it must grow (so appends cost constant time on
    /// average), holding the bytes so far.
    @usableFromInline
    mutating func grow(_ extra: Int) {
        let needed = count + extra
        let capacity = needed > storage.capacity ? Swift.max(needed, storage.capacity * 2) : storage.capacity
        let fresh = Storage(capacity: capacity)
        fresh.base.update(from: storage.base, count: count)
        storage = fresh
    }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1)
        storage.base[count] = byte
        length += 1
    }

    @inlinable @inline(__always)
    public mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        UnsafeMutableRawPointer(storage.base + count).copyMemory(from: source, byteCount: bytes.count)
        length += bytes.count
    }

    @inlinable @inline(__always)
    public mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        append(contentsOf: UnsafeRawBufferPointer(bytes))
    }

    @inlinable @inline(__always)
    public mutating func append(contentsOf bytes: [UInt8]) {
        bytes.withUnsafeBytes { append(contentsOf: $0) }
    }

    @inlinable @inline(__always)
    public mutating func append(contentsOf other: ByteBuffer) {
        other.withUnsafeBytes { append(contentsOf: $0) }
    }

    /// `value` as an unsigned LEB128 varint, as `ByteSink.append(varint:)` writes it, with one capacity test
    /// for all its bytes rather than one for each (the spool encoder writes one for every length and number).
    @inlinable @inline(__always)
    public mutating func append(varint value: UInt64) {
        reserve(10)
        var value = value
        var at = length
        while value >= 0x80 {
            storage.base[at] = UInt8(truncatingIfNeeded: value) | 0x80
            value >>= 7
            at += 1
        }
        storage.base[at] = UInt8(value)
        length = at + 1
    }

    /// Empties the buffer, keeping its capacity.
    public mutating func removeAll() {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(capacity: storage.capacity) }
        length = 0
    }

    /// The bytes, for reading while `body` runs.
    @inlinable @inline(__always)
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: storage.base, count: count))
    }

    /// The bytes, copied into an array.
    public var array: [UInt8] { withUnsafeBytes { Array($0) } }
}
