#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Buffered reading of a file or standard input through `read(2)`, with a look-ahead for kind detection.
///
/// One owning class per file descriptor, closed in `deinit` (standard input is never closed).
public final class ByteSource {
    public let name: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private(set) var atEnd = false
    public private(set) var error: String?
    private static let chunk = 256 * 1024

    /// Opens a path, or standard input for `-`.
    public init(path: String) throws(InputError) {
        name = path
        if path == "-" {
            descriptor = 0
            ownsDescriptor = false
        } else {
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw InputError(source: path, message: "cannot open: \(Self.errnoText())") }
            var info = stat()
            if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                close(fd)
                throw InputError(source: path, message: "is a directory")
            }
            descriptor = fd
            ownsDescriptor = true
        }
    }

    deinit { if ownsDescriptor { close(descriptor) } }

    private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.read(fd, buffer, count)
        #else
            Darwin.read(fd, buffer, count)
        #endif
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Reads more bytes into the buffer; false at end of input or on error.
    private func fill() -> Bool {
        guard !atEnd else { return false }
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: Self.chunk))
        var count = 0
        repeat {
            count = buffer.withUnsafeMutableBytes { raw in systemRead(descriptor, raw.baseAddress! + old, Self.chunk) }
        } while count < 0 && errno == EINTR
        if count <= 0 {
            buffer.removeLast(Self.chunk)
            atEnd = true
            if count < 0 { error = "read failed: \(Self.errnoText())" }
            return false
        }
        buffer.removeLast(Self.chunk - count)
        return true
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

    /// Hands over what is buffered but not yet consumed, and the descriptor to read the rest from (for a
    /// reader that takes the stream over, such as libpcap on standard input).
    public func takeOver() -> (buffered: [UInt8], descriptor: Int32) {
        defer {
            buffer.removeAll()
            start = 0
        }
        return (Array(buffer[start...]), descriptor)
    }

    /// Reads exactly `count` bytes, or fewer at the end of input.
    public func read(_ count: Int) -> ArraySlice<UInt8> {
        while buffer.count - start < count, fill() {}
        let end = min(buffer.count, start + count)
        defer { start = end }
        return buffer[start..<end]
    }
}
