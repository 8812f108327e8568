import Storage
import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The instance files of `usage-audit validate`: opened (`-` is standard input), read whole within a size
/// limit, or read line by line through one reusable buffer, so neither a large file nor a long line is ever
/// held beyond the limit.
enum InstanceFiles {
    /// What reading a whole file within a limit gave.
    enum WholeRead {
        case bytes([UInt8])
        /// The file holds more than the limit: only `limit + 1` bytes were read, to know it.
        case tooLarge
        case failed(Errno)
    }

    /// Why the file at `path` cannot be read, in the system's words (no such file, permission denied, is a
    /// directory), or because it is compressed; `nil` when it can be opened. Opens without blocking, so a
    /// FIFO is not waited for.
    static func whyUnreadable(_ path: String) -> String? {
        if path == "-" { return nil }
        if FileSystem.isDirectory(path) { return "is a directory" }
        do {
            let file = try FileDescriptor.open(FilePath(path), .readOnly, options: [.nonBlocking])
            defer { try? file.close() }
            if startsAsGzip(file) {
                return "is gzip-compressed, and validate reads JSON as it is (decompress it first: gzip -dk FILE)"
            }
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Whether the file's first bytes are gzip's magic number (`1f 8b`): its compressed bytes would otherwise
    /// read as invalid instances, one for each "line" they happen to hold. Read in place (`pread`), so the
    /// file's offset does not move; a pipe, which cannot be read so, is not asked.
    private static func startsAsGzip(_ file: FileDescriptor) -> Bool {
        var magic: (UInt8, UInt8) = (0, 0)
        let count = withUnsafeMutableBytes(of: &magic) { (try? file.read(fromAbsoluteOffset: 0, into: $0)) ?? 0 }
        return count == 2 && magic == (0x1F, 0x8B)
    }

    /// Runs `body` with the file at `path` open for reading (`-`: standard input, which stays open).
    static func withOpened<T>(_ path: String, _ body: (FileDescriptor) -> T) throws(Errno) -> T {
        if path == "-" { return body(.standardInput) }
        let file: FileDescriptor
        do { file = try FileDescriptor.open(FilePath(path), .readOnly) } catch { throw error as? Errno ?? .ioError }
        defer { try? file.close() }
        return body(file)
    }

    /// The whole content of `file`, read only as far as `limit + 1` bytes, so an oversized input costs no
    /// more memory than the limit, however large it is.
    static func readWhole(_ file: FileDescriptor, limit: Int) -> WholeRead {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let wanted = min(chunk.count, limit + 1 - bytes.count)
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBytes {
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<wanted]), retryOnInterrupt: true)
                }
            } catch {
                return .failed(error as? Errno ?? .ioError)
            }
            if count == 0 { return .bytes(bytes) }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > limit { return .tooLarge }
        }
    }

    /// A line that could not be read: the system's reason and the number of the line being read.
    struct LineReadFailure: Error {
        let reason: Errno
        let line: Int
    }

    /// The index of the first `\n` in `bytes` at or after `start`: `memchr`, which reads a word at a time.
    private static func firstNewline(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress,
            let found = memchr(base + start, 0x0A, bytes.count - start)
        else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Calls `body` with each line of `file` and its 1-based number, without its `\n`, until `body` returns
    /// `false`. A line longer than `limit` is passed as `nil` and skipped without being kept, so memory stays
    /// within the limit whatever the file holds. A line that lies whole in one read is passed where it was
    /// read, without a copy; only a line split between two reads is gathered in a buffer that is reused.
    static func forEachLine(
        of file: FileDescriptor, limit: Int, _ body: (_ number: Int, _ line: UnsafeRawBufferPointer?) -> Bool
    ) throws(LineReadFailure) {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var carried: [UInt8] = []  // the start of a line that an earlier read ended inside
        var overlong = false
        var number = 1
        var goesOn = true
        while goesOn {
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBytes { try file.read(into: $0, retryOnInterrupt: true) }
            } catch {
                throw LineReadFailure(reason: error as? Errno ?? .ioError, line: number)
            }
            if count == 0 { break }
            chunk.withUnsafeBytes { whole in
                let bytes = UnsafeRawBufferPointer(rebasing: whole[..<count])
                var start = 0
                while goesOn, let newline = Self.firstNewline(in: bytes, from: start) {
                    let piece = UnsafeRawBufferPointer(rebasing: bytes[start..<newline])
                    if !overlong && carried.count + piece.count > limit { overlong = true }
                    if overlong {
                        goesOn = body(number, nil)
                    } else if carried.isEmpty {
                        goesOn = body(number, piece)
                    } else {
                        carried.append(contentsOf: piece)
                        goesOn = carried.withUnsafeBytes { body(number, $0) }
                    }
                    carried.removeAll(keepingCapacity: true)
                    overlong = false
                    number += 1
                    start = newline + 1
                }
                let rest = bytes[start...]
                if !overlong && carried.count + rest.count > limit {
                    overlong = true
                    carried = []
                }
                if !overlong { carried.append(contentsOf: rest) }
            }
        }
        guard goesOn else { return }
        if overlong {
            _ = body(number, nil)
        } else if !carried.isEmpty {
            _ = carried.withUnsafeBytes { body(number, $0) }
        }
    }
}
