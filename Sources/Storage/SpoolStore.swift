import Bytes
import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

    package var resolvedDirectory: String {
        if let directory { return directory }
        if let value = getenv("TMPDIR"), value.pointee != 0 { return String(cString: value) }
        return "/tmp"
    }
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
    /// The temporary file, once the spool outgrew its memory limit.
    private var file: FileDescriptor?
    /// False once a write to the file failed: what reached it is still read from it, the rest stays in memory.
    private var fileTakesWrites = true
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

    deinit { try? file?.close() }

    /// The first failure to read this spool back, if any.
    public var readFailure: SpoolError? { failureLock.withLock { failure } }

    package func recordReadFailure(_ error: SpoolError) {
        failureLock.withLock { if failure == nil { failure = error } }
    }

    /// Bytes stored.
    public var length: Int { fileLength + memory.count }

    /// Whether part of the spool is on disk.
    public var usesFile: Bool { fileLength > 0 }

    /// Bytes held in memory now.
    public var bytesInMemory: Int { memory.count }

    /// Appends bytes: whole records, each a varint length and that many bytes (`append(record:)` makes them).
    public func append(_ bytes: [UInt8]) {
        memory.append(contentsOf: bytes)
        stored()
    }

    /// Appends bytes as they are, outside any record: for a writer that keeps text to copy out later, in
    /// order (`forEachPiece`), rather than hold it in memory.
    public func append(raw bytes: UnsafeRawBufferPointer) {
        memory.append(contentsOf: bytes)
        stored()
    }

    /// Hands `body` the bytes at logical offsets `range` in order, at most `pieceSize` of them at a time. A
    /// failed read is recorded as this spool's read failure (`readFailure`) and ends the reading.
    public func forEachPiece(
        of range: Range<Int>, pieceSize: Int = 64 * 1024, _ body: (UnsafeRawBufferPointer) -> Void
    ) {
        precondition(range.lowerBound >= 0 && range.upperBound <= length, "a range within what was stored")
        guard !range.isEmpty else { return }
        let piece = UnsafeMutableRawBufferPointer.allocate(
            byteCount: min(pieceSize, range.count), alignment: 1)
        defer { piece.deallocate() }
        var offset = range.lowerBound
        while offset < range.upperBound {
            let count = min(piece.count, range.upperBound - offset)
            if let failure = read(into: piece, at: offset, count: count) {
                return recordReadFailure(SpoolError("the temporary file could not be read (\(failure))"))
            }
            body(UnsafeRawBufferPointer(rebasing: piece[..<count]))
            offset += count
        }
    }

    /// One record's encoding, reused from record to record so that appending allocates nothing once warm.
    private var scratch = SpoolEncoder()

    /// Appends one record: the length of `value`'s encoding as a varint, then the encoding. Returns the
    /// logical offset of the encoding's first byte (for `patch`).
    @discardableResult
    public func append(record value: some Spoolable) -> Int { append { value.encode(to: &$0) } }

    /// Appends one record: the length of what `encode` writes as a varint, then those bytes. Not generic, so
    /// that a generic caller's closure is compiled with the caller, where its types are known. Returns the
    /// logical offset of the first byte `encode` wrote.
    @discardableResult
    public func append(_ encode: (inout SpoolEncoder) -> Void) -> Int {
        scratch.bytes.removeAll()
        encode(&scratch)
        memory.append(varint: UInt64(scratch.bytes.count))
        let offset = fileLength + memory.count
        scratch.bytes.withUnsafeBytes { memory.append(contentsOf: $0) }
        stored()
        return offset
    }

    /// Overwrites bytes already stored, at logical `offset`, whether they are still in memory or already in
    /// the file: how a record is completed after it was appended (a message's judgment, made after the
    /// message went to the report), with bytes of the same length as those its encoder wrote there. Bytes in
    /// the file are rewritten at the next `flush` (which the list's `finish` makes), with the others waiting
    /// then, a piece of the file at a time; a rewrite that fails is remembered as a read failure, so no report
    /// is written from the stale bytes.
    public func patch(at offset: Int, with bytes: [UInt8]) {
        precondition(offset >= 0 && offset + bytes.count <= length, "a patch lies within what was stored")
        let inFile = max(0, min(bytes.count, fileLength - offset))
        if inFile > 0 {
            filePatches.append((offset, Array(bytes[..<inFile])))
            if filePatches.count >= Self.filePatchLimit { applyFilePatches() }
        }
        if inFile < bytes.count {
            let start = offset + inFile - fileLength
            memory.replaceSubrange(start..<(start + bytes.count - inFile), with: bytes[inFile...])
        }
    }

    /// Patches of bytes already in the file, waiting to be written together: the end of a run may judge a
    /// hundred thousand held messages at once, and a write each was a system call each.
    private var filePatches: [(offset: Int, bytes: [UInt8])] = []
    public static let filePatchLimit = 16_384

    /// Writes the waiting file patches: sorted by offset, the patches within one piece of `flushSize` bytes
    /// are applied to a copy of that piece read from the file, which is written back once.
    private func applyFilePatches() {
        defer { filePatches.removeAll() }
        guard !filePatches.isEmpty else { return }
        guard let file else {
            return recordReadFailure(SpoolError("the temporary file was lost before it could be rewritten"))
        }
        filePatches.sort { $0.offset < $1.offset }
        var first = 0
        while first < filePatches.count {
            let start = filePatches[first].offset
            var end = start + filePatches[first].bytes.count
            var next = first + 1
            while next < filePatches.count,
                filePatches[next].offset + filePatches[next].bytes.count - start <= Self.flushSize
            {
                end = max(end, filePatches[next].offset + filePatches[next].bytes.count)
                next += 1
            }
            var piece = [UInt8](repeating: 0, count: end - start)
            let failure: String? = piece.withUnsafeMutableBytes { buffer in
                read(into: buffer, at: start, count: end - start)
            }
            if let failure {
                return recordReadFailure(SpoolError("the temporary file could not be reread (\(failure))"))
            }
            for patch in filePatches[first..<next] {
                piece.replaceSubrange(
                    (patch.offset - start)..<(patch.offset - start + patch.bytes.count), with: patch.bytes)
            }
            let (_, writeFailure) = piece.withUnsafeBytes { file.writeAll($0, at: start) }
            if let writeFailure {
                return recordReadFailure(SpoolError("the temporary file could not be rewritten (\(writeFailure))"))
            }
            first = next
        }
    }

    /// After an append: moves full pieces to the file, or opens the file once memory is past its limit.
    private func stored() {
        if file != nil {
            if fileTakesWrites && memory.count >= Self.flushSize { moveMemoryToFile() }
        } else if note == nil && memory.count > configuration.memoryLimit {
            openFile()
            if file != nil { moveMemoryToFile() }
        }
    }

    /// Writes the waiting patches of the file, and moves the memory part to the file, when there is a file.
    public func flush() {
        applyFilePatches()
        moveMemoryToFile()
    }

    /// Moves the memory part to the file, when there is a file (patches keep waiting: during a run they
    /// come a few at a time).
    private func moveMemoryToFile() {
        guard let file, fileTakesWrites, !memory.isEmpty else { return }
        let (written, failure) = memory.withUnsafeBytes { bytes in
            file.writeAll(bytes, at: fileLength)
        }
        if let failure {
            // What reached the file in part is ignored: its bytes stay in memory and are read from there. What
            // earlier moves wrote is still read from the file, which stays open for that.
            note =
                "the temporary file in \(configuration.resolvedDirectory) could not be written (\(failure)): the rest of the report is kept in memory"
            fileTakesWrites = false
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
                "no temporary file could be created in \(directory) (\(Errno(rawValue: errno))): the report is kept in memory"
            return
        }
        // Unlinked at once: the file lives as long as its descriptor, and no crash can leave it behind.
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        file = FileDescriptor(rawValue: created)
    }

    /// Makes the file refuse writes from now on, as a full disk would, while reads of it still work: for the
    /// tests of what a failed write leaves readable (Linux: the unlinked file is reopened through `/proc`).
    package func refuseFileWritesForTesting() {
        guard let file else { return }
        let readOnly = open("/proc/self/fd/\(file.rawValue)", O_RDONLY)
        precondition(readOnly >= 0, "the temporary file could not be opened again")
        try? file.close()
        self.file = FileDescriptor(rawValue: readOnly)
    }

    /// Copies `count` bytes at logical `offset` into `buffer` (which has room); `nil`, or the system's reason.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, count: Int) -> String? {
        var done = 0
        while done < count {
            let position = offset + done
            if position < fileLength, let file {
                let wanted = min(count - done, fileLength - position)
                let result: Int
                do {
                    result = try file.read(
                        fromAbsoluteOffset: Int64(position),
                        into: UnsafeMutableRawBufferPointer(rebasing: buffer[done..<(done + wanted)]))
                } catch {
                    return "\(error)"
                }
                if result == 0 { return "the temporary file is shorter than what was written to it" }
                done += result
            } else {
                let start = position - fileLength
                let wanted = count - done
                guard start >= 0 else { return "the temporary file is no longer open" }
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
