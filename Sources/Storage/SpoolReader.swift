/// Reads records (`varint length` + bytes) one after another from a range of a store, through a buffer.
struct SpoolReader {
    let store: SpoolStore
    private var next: Int
    private let end: Int
    private var buffer: UnsafeMutableRawBufferPointer
    private var bufferStart = 0
    private var bufferCount = 0

    init(store: SpoolStore, from start: Int, to end: Int, bufferSize: Int = 64 * 1024) {
        self.store = store
        self.next = start
        self.end = end
        buffer = .allocate(byteCount: max(bufferSize, 16), alignment: 8)
    }

    /// Must be called once: the buffer is owned memory.
    func release() { buffer.deallocate() }

    var isAtEnd: Bool { bufferStart == bufferCount && next >= end }

    /// Makes `count` bytes available from `bufferStart` on.
    private mutating func ensure(_ count: Int) throws(SpoolError) {
        let available = bufferCount - bufferStart
        if available >= count { return }
        // Keep what is left at the front, grow for a long record, then fill from the store.
        if bufferStart > 0 && available > 0 {
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + bufferStart, byteCount: available)
        }
        bufferCount = available
        bufferStart = 0
        if buffer.count < count {
            let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 8)
            larger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: available)
            buffer.deallocate()
            buffer = larger
        }
        let wanted = min(buffer.count - bufferCount, end - next)
        guard available + wanted >= count else { throw SpoolError("a record runs past the end of the spool") }
        if let failure = store.read(
            into: UnsafeMutableRawBufferPointer(rebasing: buffer[bufferCount...]), at: next, count: wanted)
        {
            throw SpoolError(failure)
        }
        next += wanted
        bufferCount += wanted
    }

    /// The next record's bytes, decoded by `body`.
    mutating func read<T>(_ body: (inout SpoolDecoder) throws(SpoolError) -> T) throws(SpoolError) -> T {
        // The length prefix: at most 10 bytes, fewer at the end of the range.
        var length: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            try ensure(1)
            let byte = buffer[bufferStart]
            bufferStart += 1
            guard shift < 64 else { throw SpoolError("a record length is too long") }
            length |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        guard length <= UInt64(Int.max / 2) else { throw SpoolError("a record length is impossible") }
        let count = Int(length)
        try ensure(count)
        var decoder = SpoolDecoder(UnsafeRawBufferPointer(rebasing: buffer[bufferStart..<bufferStart + count]))
        bufferStart += count
        let value = try body(&decoder)
        guard decoder.isAtEnd else { throw SpoolError("a record holds more than its value") }
        return value
    }
}

/// Reads records one after another from a range of a spool, through its own buffer; stops at the end of
/// the range or at the first failure, which it records in the store (`SpoolStore.readFailure`). A class so
/// that iterators holding it can be copied while the buffer is freed once.
public final class SpoolCursor {
    private var reader: SpoolReader
    private var stopped = false

    public init(store: SpoolStore, start: Int, end: Int, bufferSize: Int = 64 * 1024) {
        reader = SpoolReader(store: store, from: start, to: end, bufferSize: bufferSize)
    }

    deinit { reader.release() }

    /// Hands the next record to `body`, which reads what it needs of it; `false` at the end or after a
    /// failure (of reading, or thrown by `body`).
    public func nextRecord(_ body: (inout SpoolDecoder) throws(SpoolError) -> Void) -> Bool {
        guard !stopped, !reader.isAtEnd else { return false }
        do {
            try reader.read(body)
            return true
        } catch {
            stopped = true
            reader.store.recordReadFailure(error)
            return false
        }
    }

    /// The next record, or `nil` at the end or after a failure.
    public func next<T: SpoolDecodable>(_ type: T.Type) -> T? {
        guard !stopped, !reader.isAtEnd else { return nil }
        do {
            return try reader.read { decoder throws(SpoolError) in try T(from: &decoder) }
        } catch {
            stopped = true
            reader.store.recordReadFailure(error)
            return nil
        }
    }
}

