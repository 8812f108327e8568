/// A growable run of bytes whose append costs a capacity test and a copy: what the spool encoder, the JSON
/// serializer and the JSON and SARIF reports append their pieces to, a few dozen per message or finding.
///
/// Why not `[UInt8]`: `Array.append(contentsOf:)` goes through the generic `Sequence` path (the source's
/// estimated count, a copy into uninitialized capacity, then a search for elements past that estimate), about
/// 70 instructions an append before the bytes move, 3% of a whole `check`.
///
/// Why non-copyable: a buffer that could be copied would have to share its storage copy-on-write, and then
/// every append would first ask whether the storage is still its own (a call into the runtime, about 4
/// million of them in the JSON report of 20,000 messages). A buffer that cannot be copied owns its bytes
/// outright: no reference count, no uniqueness test, freed when it ends. Whoever needs the bytes elsewhere
/// copies them out (`array`, `withUnsafeBytes`).
public struct ByteBuffer: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    /// Bytes written so far (`count`), settable by the inlined appends.
    @usableFromInline var length = 0

    public var count: Int { length }

    /// An empty buffer with room for `capacity` bytes before it grows.
    public init(capacity: Int = 256) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    public var isEmpty: Bool { count == 0 }

    /// Room for `extra` more bytes.
    @inlinable @inline(__always)
    mutating func reserve(_ extra: Int) {
        if _slowPath(length + extra > capacity) { grow(extra) }
    }

    /// Storage at least twice as large (so appends cost constant time on average), holding the bytes so far.
    @usableFromInline
    mutating func grow(_ extra: Int) {
        let grown = Swift.max(length + extra, capacity * 2)
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        fresh.update(from: base, count: length)
        base.deallocate()
        base = fresh
        capacity = grown
    }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1)
        base[length] = byte
        length += 1
    }

    @inlinable @inline(__always)
    public mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        UnsafeMutableRawPointer(base + length).copyMemory(from: source, byteCount: bytes.count)
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
    public mutating func append(contentsOf other: borrowing ByteBuffer) {
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
            base[at] = UInt8(truncatingIfNeeded: value) | 0x80
            value >>= 7
            at += 1
        }
        base[at] = UInt8(value)
        length = at + 1
    }

    /// Appends a copy of bytes the buffer already holds (`range` of them): a text written once and wanted
    /// again further on, copied rather than made twice.
    @inlinable @inline(__always)
    public mutating func appendCopy(of range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= length, "a range outside the buffer's bytes")
        guard !range.isEmpty else { return }
        reserve(range.count)
        (base + length).update(from: base + range.lowerBound, count: range.count)
        length += range.count
    }

    /// Empties the buffer, keeping its capacity.
    @inlinable @inline(__always)
    public mutating func removeAll() { length = 0 }

    /// The bytes, for reading while `body` runs.
    @inlinable @inline(__always)
    public borrowing func withUnsafeBytes<Result: ~Copyable, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: length))
    }

    /// The bytes, copied into an array.
    public var array: [UInt8] { withUnsafeBytes { Array($0) } }
}
