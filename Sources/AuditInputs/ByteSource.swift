import SystemPackage

/// Buffered reading of a file or standard input through `read(2)`, with a look-ahead for kind detection.
///
/// One owning class per file descriptor, closed in `deinit` (standard input is never closed).
public final class ByteSource {
    public let name: String
    private let descriptor: FileDescriptor
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private(set) var atEnd = false
    public private(set) var error: String?
    /// Whether gzip input is decompressed (detected by its magic bytes, whatever the name).
    private let decompresses: Bool
    /// Set once the input turned out to be gzip: every read then goes through it.
    private var gzip: GzipStream?
    /// Whether the first bytes were looked at for the gzip magic.
    private var sniffed = false
    private static let chunk = 256 * 1024

    /// Opens a path, or standard input for `-`; a gzip input is decompressed unless `decompresses` is false.
    public init(path: String, decompresses: Bool = true) throws(InputError) {
        name = path
        self.decompresses = decompresses
        if path == "-" {
            descriptor = .standardInput
            ownsDescriptor = false
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
            descriptor = file
            ownsDescriptor = true
        }
    }

    deinit { if ownsDescriptor { try? descriptor.close() } }

    /// Reads raw bytes from the descriptor (retrying after signals); the count, 0 at the end, -1 on an error
    /// (kept in `error`).
    private func readRaw(into target: UnsafeMutableRawBufferPointer) -> Int {
        do {
            return try descriptor.read(into: target, retryOnInterrupt: true)
        } catch {
            self.error = "read failed: \(error)"
            return -1
        }
    }

    /// Reads more bytes into the buffer (decompressed, for a gzip input); false at end of input or on error.
    private func fill() -> Bool {
        guard !atEnd else { return false }
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: Self.chunk))
        let count = buffer.withUnsafeMutableBytes { raw in
            let target = UnsafeMutableRawBufferPointer(rebasing: raw[old...])
            return gzip?.read(into: target) ?? readRaw(into: target)
        }
        if count <= 0 {
            buffer.removeLast(Self.chunk)
            atEnd = true
            if let failure = gzip?.error, error == nil { error = failure }
            return false
        }
        buffer.removeLast(Self.chunk - count)
        if !sniffed, buffer.count - start >= GzipStream.magic.count {
            sniffed = true
            if decompresses, buffer[start...].starts(with: GzipStream.magic) {
                let compressed = Array(buffer[start...])
                buffer.removeAll(keepingCapacity: true)
                start = 0
                gzip = GzipStream(alreadyRead: compressed) { [unowned self] target in readRaw(into: target) }
                return fill()
            }
        }
        return true
    }

    /// Copies up to `count` bytes into `target`, consuming them: the stream a C reader (libpcap) reads a
    /// decompressed capture through. Returns 0 at the end, -1 when the input failed.
    func readForStream(into target: UnsafeMutableRawPointer, count: Int) -> Int {
        if buffer.count == start, !fill() { return error == nil ? 0 : -1 }
        let taken = min(count, buffer.count - start)
        buffer.withUnsafeBytes { raw in target.copyMemory(from: raw.baseAddress! + start, byteCount: taken) }
        start += taken
        return taken
    }

    /// Up to `count` bytes from the current position, without consuming them.
    public func peek(_ count: Int) -> ArraySlice<UInt8> {
        while buffer.count - start < count, fill() {}
        return buffer[start..<min(buffer.count, start + count)]
    }

    /// The next line without its terminator (`\n`, and a `\r` before it), or `nil` at the end. A line longer
    /// than `limit` is cut: the first `limit` bytes are returned with `overlong` set and the rest skipped.
    public func nextLine(limit: Int) -> (bytes: ArraySlice<UInt8>, overlong: Bool)? {
        // How far past `start` the buffer is known to hold no newline; kept relative because `fill`
        // may move the buffer's contents.
        var searched = 0
        while true {
            if let newline = buffer[(start + searched)...].firstIndex(of: 0x0A) {
                return takeLine(endingAt: newline, next: newline + 1, limit: limit)
            }
            searched = buffer.count - start
            if searched > limit {
                // Keep the first `limit` bytes, skip to the next newline.
                let line = Array(buffer[start..<(start + limit)])
                start = buffer.count
                while fill() {
                    if let newline = buffer[start...].firstIndex(of: 0x0A) {
                        start = newline + 1
                        return (line[...], true)
                    }
                    start = buffer.count
                }
                return (line[...], true)
            }
            if !fill() {
                guard start < buffer.count else { return nil }
                return takeLine(endingAt: buffer.count, next: buffer.count, limit: limit)
            }
        }
    }

    private func takeLine(endingAt terminator: Int, next: Int, limit: Int) -> (bytes: ArraySlice<UInt8>, overlong: Bool) {
        var end = terminator
        if end > start, buffer[end - 1] == 0x0D { end -= 1 }
        let length = end - start
        let line = buffer[start..<(start + min(length, limit))]
        start = next
        return (line, length > limit)
    }

    /// Whether the input is gzip-compressed (known once its first bytes were read, by `peek`).
    public var isCompressed: Bool { gzip != nil }

    /// Hands over what is buffered but not yet consumed, and the descriptor to read the rest from (for a
    /// reader that takes the stream over, such as libpcap on standard input).
    public func takeOver() -> (buffered: [UInt8], descriptor: Int32) {
        defer {
            buffer.removeAll()
            start = 0
        }
        return (Array(buffer[start...]), descriptor.rawValue)
    }

    /// Reads exactly `count` bytes, or fewer at the end of input.
    public func read(_ count: Int) -> ArraySlice<UInt8> {
        while buffer.count - start < count, fill() {}
        let end = min(buffer.count, start + count)
        defer { start = end }
        return buffer[start..<end]
    }
}
