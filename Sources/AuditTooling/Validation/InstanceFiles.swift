import AuditInputs
import Storage
import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The instance files of `usage-audit validate`: opened (`-` is standard input), read whole within a size
/// limit, or read line by line through one reusable buffer, so neither a large file nor a long line is ever
/// held beyond the limit. A gzip-compressed file (or standard input) is decompressed as it is read, as
/// `check` reads its inputs: `validate --ndjson lines.ndjson.gz` validates the lines.
enum InstanceFiles {
    /// What reading a whole file within a limit gave.
    enum WholeRead {
        case bytes([UInt8])
        /// The file holds more than the limit: only `limit + 1` bytes were read, to know it.
        case tooLarge
        /// The system's reason, or what is wrong with the compressed stream.
        case failed(String)
    }

    /// Why the file at `path` cannot be read, in the system's words (no such file, permission denied, is a
    /// directory); `nil` when it can be opened. Opens without blocking, so a FIFO is not waited for.
    static func whyUnreadable(_ path: String) -> String? {
        if path == "-" { return nil }
        if FileSystem.isDirectory(path) { return "is a directory" }
        do {
            let file = try FileDescriptor.open(FilePath(path), .readOnly, options: [.nonBlocking])
            try? file.close()
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Whether the file's first bytes are gzip's magic number (`1f 8b`). Read in place (`pread`), so the
    /// file's offset does not move; a named pipe, which cannot be read so, is read as it is (standard input,
    /// `-`, is always looked at through `ByteSource`).
    private static func startsAsGzip(_ file: FileDescriptor) -> Bool {
        var magic: (UInt8, UInt8) = (0, 0)
        let count = withUnsafeMutableBytes(of: &magic) { (try? file.read(fromAbsoluteOffset: 0, into: $0)) ?? 0 }
        return count == 2 && magic == (0x1F, 0x8B)
    }

    /// A file that could not be opened, in the system's words.
    struct OpenFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `body` with the file at `path` open for reading (`-`: standard input, which stays open). A plain
    /// file is read as it is; a gzip file, and standard input (which cannot be looked at in place), through
    /// `ByteSource`, which decompresses what starts with gzip's magic number.
    static func withOpened<T>(_ path: String, _ body: (InstanceStream) -> T) throws(OpenFailure) -> T {
        if path == "-" {
            let source: ByteSource
            do { source = try ByteSource(path: "-") } catch { throw OpenFailure(description: error.message) }
            return body(InstanceStream(.decompressing(source)))
        }
        let file: FileDescriptor
        do { file = try FileDescriptor.open(FilePath(path), .readOnly) } catch {
            throw OpenFailure(description: "\(error as? Errno ?? .ioError)")
        }
        defer { try? file.close() }
        guard startsAsGzip(file) else { return body(InstanceStream(.plain(file))) }
        let source: ByteSource
        do { source = try ByteSource(path: path) } catch { throw OpenFailure(description: error.message) }
        return body(InstanceStream(.decompressing(source)))
    }

    /// The whole content of `file`, read only as far as `limit + 1` bytes, so an oversized input costs no
    /// more memory than the limit, however large it is (decompressed, the limit is on what it expands to).
    static func readWhole(_ file: InstanceStream, limit: Int) -> WholeRead {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let wanted = min(chunk.count, limit + 1 - bytes.count)
            let read = chunk.withUnsafeMutableBytes { raw in
                Result { () throws(InstanceStream.ReadFailure) in
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[..<wanted]))
                }
            }
            let count: Int
            switch read {
            case .success(let got): count = got
            case .failure(let failure): return .failed(failure.reason)
            }
            if count == 0 { return .bytes(bytes) }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > limit { return .tooLarge }
        }
    }

    /// A line that could not be read: the system's reason and the number of the line being read.
    struct LineReadFailure: Error {
        let reason: String
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
        of file: InstanceStream, limit: Int, _ body: (_ number: Int, _ line: UnsafeRawBufferPointer?) -> Bool
    ) throws(LineReadFailure) {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var carried: [UInt8] = []  // the start of a line that an earlier read ended inside
        var overlong = false
        var number = 1
        var goesOn = true
        while goesOn {
            let read = chunk.withUnsafeMutableBytes { raw in
                Result { () throws(InstanceStream.ReadFailure) in try file.read(into: raw) }
            }
            let count: Int
            switch read {
            case .success(let got): count = got
            case .failure(let failure): throw LineReadFailure(reason: failure.reason, line: number)
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

/// An instance file's bytes as `validate` reads them: straight from the file, or decompressed.
struct InstanceStream {
    enum Origin {
        /// A file read as it is.
        case plain(FileDescriptor)
        /// A gzip file, or standard input (decompressed when it turns out to be gzip).
        case decompressing(ByteSource)
    }

    /// Why a read failed: the system's reason, or the damage in a compressed stream and where it is.
    struct ReadFailure: Error {
        let reason: String
    }

    let origin: Origin

    init(_ origin: Origin) { self.origin = origin }

    /// Reads into `target`: the count, 0 at the end.
    func read(into target: UnsafeMutableRawBufferPointer) throws(ReadFailure) -> Int {
        switch origin {
        case .plain(let file):
            do {
                return try file.read(into: target, retryOnInterrupt: true)
            } catch {
                throw ReadFailure(reason: "\(error as? Errno ?? .ioError)")
            }
        case .decompressing(let source):
            let count = source.read(into: target)
            guard count >= 0 else { throw ReadFailure(reason: source.error ?? "read failed") }
            return count
        }
    }
}
