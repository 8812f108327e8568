import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value that a spool can hold: written as compact binary, read back exactly.
public protocol Spoolable: Sendable {
    func encode(to encoder: inout SpoolEncoder)
    init(from decoder: inout SpoolDecoder) throws(SpoolError)
}

/// Where spools keep what does not fit in memory, and how much they keep in memory first.
public struct SpoolConfiguration: Sendable, Hashable {
    /// Encoded bytes a spool keeps in memory before it moves to a temporary file. A report of a few
    /// thousand messages never touches the disk.
    public var memoryLimit: Int
    /// The folder of the temporary files; `nil`: `$TMPDIR`, else `/tmp`.
    public var directory: String?
    /// Report writers that need another order sort at most this many records in memory at once, write
    /// them as a sorted run, and merge at most `mergeFanIn` runs at a time.
    public var sortChunk: Int
    public var mergeFanIn: Int

    public init(memoryLimit: Int = 4 << 20, directory: String? = nil, sortChunk: Int = 8192, mergeFanIn: Int = 64) {
        self.memoryLimit = memoryLimit
        self.directory = directory
        self.sortChunk = max(1, sortChunk)
        self.mergeFanIn = max(2, mergeFanIn)
    }

    var resolvedDirectory: String {
        if let directory { return directory }
        if let value = getenv("TMPDIR"), value.pointee != 0 { return String(cString: value) }
        return "/tmp"
    }
}

/// A spool that could not be read back: its temporary file failed (an I/O error) or holds what no encoder
/// wrote. Either way the report cannot be completed from it.
public struct SpoolError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "cannot read back the spooled report: \(reason)" }
}

/// Appends values as bytes: unsigned LEB128 varints, zigzag for signed numbers, strings as length and UTF-8.
public struct SpoolEncoder {
    public internal(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func write(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    public mutating func write(_ value: Int) {
        let zigzag = (UInt64(bitPattern: Int64(value)) << 1) ^ UInt64(bitPattern: Int64(value) >> 63)
        write(zigzag)
    }

    public mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func write(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            write(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    public mutating func write(_ value: String?) {
        write(value != nil)
        if let value { write(value) }
    }

    public mutating func write(_ value: Int?) {
        write(value != nil)
        if let value { write(value) }
    }

    public mutating func write(_ value: Double) { write(value.bitPattern) }
}

/// Reads what a `SpoolEncoder` wrote, checking every length against the bytes there are.
public struct SpoolDecoder {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Whether every byte of the record was read.
    var isAtEnd: Bool { position == bytes.count }

    public mutating func readByte() throws(SpoolError) -> UInt8 {
        guard position < bytes.count else { throw SpoolError("a record ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func readUInt64() throws(SpoolError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64 else { throw SpoolError("a number is too long") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    public mutating func readInt() throws(SpoolError) -> Int {
        let zigzag = try readUInt64()
        return Int(Int64(bitPattern: (zigzag >> 1) ^ (0 &- (zigzag & 1))))
    }

    public mutating func readBool() throws(SpoolError) -> Bool {
        switch try readByte() {
        case 0: false
        case 1: true
        default: throw SpoolError("a flag is neither 0 nor 1")
        }
    }

    public mutating func readString() throws(SpoolError) -> String {
        let count = try readUInt64()
        guard count <= UInt64(bytes.count - position) else { throw SpoolError("a string runs past its record") }
        let start = position
        position += Int(count)
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    public mutating func readOptionalString() throws(SpoolError) -> String? {
        try readBool() ? try readString() : nil
    }

    public mutating func readOptionalInt() throws(SpoolError) -> Int? {
        try readBool() ? try readInt() : nil
    }

    public mutating func readDouble() throws(SpoolError) -> Double { Double(bitPattern: try readUInt64()) }
}

/// Append-only bytes: in memory up to `SpoolConfiguration.memoryLimit`, then in an unlinked temporary file
/// (so nothing is left behind, whatever ends the process), read back sequentially as often as needed.
///
/// If the temporary file cannot be created, or a write to it fails (a full disk), the spool keeps the rest in
/// memory and says so in `note`: the run still gives a complete report, only without the memory bound.
///
/// `@unchecked Sendable`: it is written by one owner (the builder of one list, or one writer's sort) and
/// read only through lists or runs made after its last write (`AuditListBuilder.finish()`), which read the
/// file with `pread` and the memory part without changing it; the one thing readers record, a read failure,
/// is behind a lock.
public final class SpoolStore: @unchecked Sendable {
    private let configuration: SpoolConfiguration
    private var descriptor: Int32 = -1
    /// Bytes in the file: logical offsets `0..<fileLength`.
    private(set) var fileLength = 0
    /// Bytes not (yet) in the file: logical offsets `fileLength..<fileLength + memory.count`.
    private(set) var memory: [UInt8] = []
    /// Set when the spool stopped using its file, or never had one: why, in words.
    public private(set) var note: String?
    /// The first failure to read the spool back; readers may run on several threads, hence the lock.
    private let failureLock = NSLock()
    private var failure: SpoolError?
    /// Writes go to the file in pieces of this size once it exists.
    static let flushSize = 64 * 1024

    public init(configuration: SpoolConfiguration = .init()) { self.configuration = configuration }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// The first failure to read this spool back, if any.
    public var readFailure: SpoolError? { failureLock.withLock { failure } }

    func recordReadFailure(_ error: SpoolError) {
        failureLock.withLock { if failure == nil { failure = error } }
    }

    /// Bytes stored.
    public var length: Int { fileLength + memory.count }

    /// Whether part of the spool is on disk.
    public var usesFile: Bool { fileLength > 0 }

    /// Bytes held in memory now.
    public var bytesInMemory: Int { memory.count }

    /// Appends bytes (whole records: see `SpoolEncoder.record`).
    public func append(_ bytes: [UInt8]) {
        memory.append(contentsOf: bytes)
        if descriptor >= 0 {
            if memory.count >= Self.flushSize { flush() }
        } else if note == nil && memory.count > configuration.memoryLimit {
            openFile()
            if descriptor >= 0 { flush() }
        }
    }

    /// Moves the memory part to the file, when there is a file.
    public func flush() {
        guard descriptor >= 0, !memory.isEmpty else { return }
        let (written, failure) = memory.withUnsafeBytes { bytes in
            DescriptorWriting.writeAll(bytes, to: descriptor, at: fileLength)
        }
        if let failure {
            // What reached the file in part is ignored: its bytes stay in memory and are read from there.
            note =
                "the temporary file in \(configuration.resolvedDirectory) could not be written (\(failure)): the rest of the report is kept in memory"
            close(descriptor)
            descriptor = -1
            return
        }
        fileLength += written
        memory.removeAll(keepingCapacity: true)
    }

    private func openFile() {
        let directory = configuration.resolvedDirectory
        var template = Array((directory + "/usage-audit-spool-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard created >= 0 else {
            note =
                "no temporary file could be created in \(directory) (\(String(cString: strerror(errno)))): the report is kept in memory"
            return
        }
        // Unlinked at once: the file lives as long as its descriptor, and no crash can leave it behind.
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        descriptor = created
    }

    /// Copies `count` bytes at logical `offset` into `buffer` (which has room); `nil`, or the system's reason.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, count: Int) -> String? {
        var done = 0
        while done < count {
            let position = offset + done
            if position < fileLength {
                let wanted = min(count - done, fileLength - position)
                let result = pread(descriptor, buffer.baseAddress! + done, wanted, off_t(position))
                if result < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                if result == 0 { return "the temporary file is shorter than what was written to it" }
                done += result
            } else {
                let start = position - fileLength
                let wanted = count - done
                guard start + wanted <= memory.count else { return "a read past the end of the spool" }
                memory.withUnsafeBytes { source in
                    (buffer.baseAddress! + done).copyMemory(from: source.baseAddress! + start, byteCount: wanted)
                }
                done += wanted
            }
        }
        return nil
    }
}

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

extension SpoolEncoder {
    /// Encodes one value as a record: its length, then its bytes.
    public static func record(_ body: (inout SpoolEncoder) -> Void) -> [UInt8] {
        var inner = SpoolEncoder()
        body(&inner)
        var framed = SpoolEncoder()
        framed.bytes.reserveCapacity(inner.bytes.count + 4)
        framed.write(UInt64(inner.bytes.count))
        framed.bytes += inner.bytes
        return framed.bytes
    }
}
