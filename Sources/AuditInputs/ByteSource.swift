import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Buffered reading of a file, standard input, or bytes already in memory, with a look-ahead for kind
/// detection.
///
/// Only where the raw bytes come from differs between a descriptor and memory (`readRaw`): buffering, gzip
/// and line splitting are the same code, so bytes in memory are read exactly as the same bytes in a file
/// (the fuzz targets rely on it). One owning class per file descriptor, closed in `deinit` (standard input is
/// never closed).
public final class ByteSource {
    public let name: String
    private let origin: Origin
    /// The buffered bytes are `buffer[start..<end]`; past `end` is room already allocated (and zeroed once,
    /// when the buffer grew), so a read needs no fresh zeroing.
    private var buffer: [UInt8] = []
    private var start = 0
    private var end = 0
    private(set) var atEnd = false
    public private(set) var error: String?
    /// Whether gzip input is decompressed (detected by its magic bytes, whatever the name).
    private let decompresses: Bool
    /// Set once the input turned out to be gzip: every read then goes through it.
    private var gzip: GzipStream?
    /// Whether the first bytes were looked at for the gzip magic.
    private var sniffed = false
    /// How many bytes of a memory origin were read.
    private var memoryPosition = 0
    private static let chunk = 256 * 1024

    /// Where the raw bytes come from.
    private enum Origin {
        /// A file or standard input; `owned` descriptors are closed in `deinit`.
        case descriptor(FileDescriptor, owned: Bool)
        /// Bytes handed over whole.
        case memory([UInt8])
    }

    /// Opens a path, or standard input for `-`; a gzip input is decompressed unless `decompresses` is false.
    public init(path: String, decompresses: Bool = true) throws(InputError) {
        name = path
        self.decompresses = decompresses
        if path == "-" {
            origin = .descriptor(.standardInput, owned: false)
        } else {
            let file: FileDescriptor
            do {
                file = try FileDescriptor.open(FilePath(path), .readOnly)
            } catch {
                throw InputError(source: path, message: "cannot open: \(error)")
            }
            if let info = try? file.stat(), info.type == .directory {
                try? file.close()
                throw InputError(source: path, message: "is a directory")
            }
            origin = .descriptor(file, owned: true)
        }
    }

    /// Reads a file the caller opened (and so named its failure to open in its own words), called `name`,
    /// closing it when done; a gzip input is decompressed unless `decompresses` is false.
    public init(owning file: FileDescriptor, name: String, decompresses: Bool = true) {
        self.name = name
        self.decompresses = decompresses
        origin = .descriptor(file, owned: true)
    }

    /// Reads `bytes` as the content of an input called `name`; a gzip input is decompressed unless
    /// `decompresses` is false.
    public init(bytes: [UInt8], name: String, decompresses: Bool = true) {
        self.name = name
        self.decompresses = decompresses
        origin = .memory(bytes)
    }

    deinit { if case .descriptor(let file, owned: true) = origin { try? file.close() } }

    /// Reads raw bytes from the origin (a descriptor retrying after signals); the count, 0 at the end, -1 on
    /// an error (kept in `error`).
    private func readRaw(into target: UnsafeMutableRawBufferPointer) -> Int {
        switch origin {
        case .memory(let bytes):
            let count = min(target.count, bytes.count - memoryPosition)
            guard count > 0 else { return 0 }
            bytes.withUnsafeBytes { source in
                target.baseAddress!.copyMemory(from: source.baseAddress! + memoryPosition, byteCount: count)
            }
            memoryPosition += count
            return count
        case .descriptor(let file, _):
            do {
                return try file.read(into: target, retryOnInterrupt: true)
            } catch {
                self.error = "read failed: \(error)"
                return -1
            }
        }
    }

    /// How many bytes the next raw read may bring: a chunk, or for memory no more than is left (so that a
    /// small input gets a small buffer).
    private var rawReadSize: Int {
        guard case .memory(let bytes) = origin else { return Self.chunk }
        return min(Self.chunk, bytes.count - memoryPosition)
    }

    /// Makes room for `count` more bytes after `end`: the unconsumed bytes move to the front, and the buffer
    /// grows only when that is not enough.
    private func makeRoom(for count: Int) {
        guard buffer.count - end < count else { return }
        if start > 0 {
            let kept = end - start
            buffer.withUnsafeMutableBytes { raw in
                // The regions may overlap: `copyMemory` moves like `memmove`.
                if kept > 0 { raw.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: kept) }
            }
            start = 0
            end = kept
        }
        if buffer.count - end < count {
            buffer.append(contentsOf: repeatElement(0, count: count - (buffer.count - end)))
        }
    }

    /// Reads more bytes into the buffer (decompressed, for a gzip input); false at end of input or on error.
    private func fill() -> Bool {
        guard !atEnd else { return false }
        let wanted = gzip == nil ? rawReadSize : Self.chunk
        makeRoom(for: wanted)
        let count = buffer.withUnsafeMutableBytes { raw in
            let target = UnsafeMutableRawBufferPointer(rebasing: raw[end..<(end + wanted)])
            return gzip?.read(into: target) ?? readRaw(into: target)
        }
        if count <= 0 {
            atEnd = true
            if let failure = gzip?.error, error == nil { error = failure }
            return false
        }
        end += count
        if !sniffed, end - start >= GzipStream.magic.count {
            sniffed = true
            if decompresses, buffer[start..<end].starts(with: GzipStream.magic) {
                let compressed = Array(buffer[start..<end])
                start = 0
                end = 0
                gzip = GzipStream(alreadyRead: compressed) { [unowned self] target in readRaw(into: target) }
                return fill()
            }
        }
        return true
    }

    /// Copies up to `count` bytes into `target`, consuming them: the stream a C reader (libpcap) reads a
    /// decompressed capture through. Returns 0 at the end, -1 when the input failed.
    func readForStream(into target: UnsafeMutableRawPointer, count: Int) -> Int {
        if end == start, !fill() { return error == nil ? 0 : -1 }
        let taken = min(count, end - start)
        buffer.withUnsafeBytes { raw in target.copyMemory(from: raw.baseAddress! + start, byteCount: taken) }
        start += taken
        return taken
    }

    /// Copies up to `target.count` bytes into `target`, consuming them (decompressed, for a gzip input): a
    /// reader with its own buffer (`usage-audit validate`) reads through it. 0 at the end, -1 when the input
    /// failed (`error` says why).
    public func read(into target: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = target.baseAddress, target.count > 0 else { return 0 }
        return readForStream(into: base, count: target.count)
    }

    /// Up to `count` bytes from the current position, without consuming them.
    public func peek(_ count: Int) -> ArraySlice<UInt8> {
        while end - start < count, fill() {}
        return buffer[start..<min(end, start + count)]
    }

    /// The next line without its terminator (`\n`, and a `\r` before it), or `nil` at the end. A line longer
    /// than `limit` is cut: the first `limit` bytes are returned with `overlong` set and the rest skipped.
    public func nextLine(limit: Int) -> (bytes: ArraySlice<UInt8>, overlong: Bool)? {
        // How far past `start` the buffer is known to hold no newline; kept relative because `fill`
        // may move the buffer's contents.
        var searched = 0
        while true {
            if let newline = firstNewline(in: (start + searched)..<end) {
                return takeLine(endingAt: newline, next: newline + 1, limit: limit)
            }
            searched = end - start
            if searched > limit {
                // Keep the first `limit` bytes, skip to the next newline.
                let line = Array(buffer[start..<(start + limit)])
                start = end
                while fill() {
                    if let newline = firstNewline(in: start..<end) {
                        start = newline + 1
                        return (line[...], true)
                    }
                    start = end
                }
                return (line[...], true)
            }
            if !fill() {
                guard start < end else { return nil }
                return takeLine(endingAt: end, next: end, limit: limit)
            }
        }
    }

    /// The position of the first line feed in `range` of the buffer: `memchr`, which scans many bytes at a
    /// time (a generic search compares one byte at a time, a tenth of reading a line).
    private func firstNewline(in range: Range<Int>) -> Int? {
        guard !range.isEmpty else { return nil }
        return buffer.withUnsafeBufferPointer { bytes -> Int? in
            guard let base = bytes.baseAddress, let found = memchr(base + range.lowerBound, 0x0A, range.count) else {
                return nil
            }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    private func takeLine(endingAt terminator: Int, next: Int, limit: Int) -> (bytes: ArraySlice<UInt8>, overlong: Bool) {
        var lineEnd = terminator
        if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        let length = lineEnd - start
        let line = buffer[start..<(start + min(length, limit))]
        start = next
        return (line, length > limit)
    }

    /// Whether the input is gzip-compressed (known once its first bytes were read, by `peek`).
    public var isCompressed: Bool { gzip != nil }

    /// Hands over what is buffered but not yet consumed, and the descriptor to read the rest from (for a
    /// reader that takes the stream over, such as libpcap on standard input). Bytes in memory have no
    /// descriptor: `buffered` is then all the rest of them.
    public func takeOver() -> (buffered: [UInt8], descriptor: Int32?) {
        var buffered = Array(buffer[start..<end])
        buffer.removeAll()
        start = 0
        end = 0
        switch origin {
        case .descriptor(let file, _):
            return (buffered, file.rawValue)
        case .memory(let bytes):
            buffered += bytes[memoryPosition...]
            memoryPosition = bytes.count
            return (buffered, nil)
        }
    }

    /// Reads exactly `count` bytes, or fewer at the end of input.
    public func read(_ count: Int) -> ArraySlice<UInt8> {
        while end - start < count, fill() {}
        let taken = min(end, start + count)
        defer { start = taken }
        return buffer[start..<taken]
    }
}
