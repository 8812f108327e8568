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
    /// the file wait, and are laid over what is read from the file from the next `flush` on (which the
    /// list's `finish` makes); past `filePatchLimit` of them the file is rewritten, a piece at a time, and a
    /// rewrite that fails is remembered as a read failure, so no report is written from the stale bytes.
    public func patch(at offset: Int, with bytes: [UInt8]) {
        precondition(offset >= 0 && offset + bytes.count <= length, "a patch lies within what was stored")
        let inFile = max(0, min(bytes.count, fileLength - offset))
        if inFile > 0 {
            filePatches.append((offset, Array(bytes[..<inFile])))
            if filePatches.count + overlay.count >= Self.filePatchLimit { applyFilePatches() }
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
    /// The patches of file bytes laid over every read of the file (`read(into:at:count:)`), none
    /// overlapping another (`merged`), in the order of their offsets, and the longest one's length.
    /// Rewriting the file for them cost reading and writing back every piece that held one (the judged
    /// ends of a run are spread over all of it: 37 MB for 200,000 messages, 6 ms on the one thread working
    /// at the end of a run), where laying them over costs a few comparisons a piece read.
    private var overlay: [(offset: Int, bytes: [UInt8])] = []
    private var longestOverlaid = 0

    /// Moves the waiting file patches to the overlay; past `filePatchLimit` patches in all, writes them all
    /// to the file instead.
    private func overlayFilePatches() {
        guard !filePatches.isEmpty else { return }
        guard filePatches.count + overlay.count < Self.filePatchLimit else { return applyFilePatches() }
        overlay = Self.merged(overlay + filePatches)
        longestOverlaid = overlay.reduce(0) { max($0, $1.bytes.count) }
        filePatches.removeAll()
    }

    /// `patches` (in the order they were made) as patches that do not overlap, in the order of their
    /// offsets: each run of overlapping patches becomes one, its every byte the last patch's that covers
    /// it. (A record is patched again at its own offset; the general case costs nothing more.)
    private static func merged(_ patches: [(offset: Int, bytes: [UInt8])]) -> [(offset: Int, bytes: [UInt8])] {
        let ordered = patches.enumerated().sorted {
            ($0.element.offset, $0.offset) < ($1.element.offset, $1.offset)
        }
        var merged: [(offset: Int, bytes: [UInt8])] = []
        merged.reserveCapacity(ordered.count)
        var first = 0
        while first < ordered.count {
            let start = ordered[first].element.offset
            var end = start + ordered[first].element.bytes.count
            var next = first + 1
            while next < ordered.count, ordered[next].element.offset < end {
                end = max(end, ordered[next].element.offset + ordered[next].element.bytes.count)
                next += 1
            }
            if next == first + 1 {
                merged.append(ordered[first].element)
            } else {
                var bytes = [UInt8](repeating: 0, count: end - start)
                for patch in ordered[first..<next].sorted(by: { $0.offset < $1.offset }).map(\.element) {
                    let from = patch.offset - start
                    bytes.replaceSubrange(from..<(from + patch.bytes.count), with: patch.bytes)
                }
                merged.append((start, bytes))
            }
            first = next
        }
        return merged
    }

    /// Lays the overlay's patches over `buffer`, which holds the `count` bytes at logical `offset`.
    private func layOverlay(on buffer: UnsafeMutableRawBufferPointer, at offset: Int, count: Int) {
        // The first patch that may reach `offset`: none starting more than the longest patch before it.
        var low = 0
        var high = overlay.count
        let earliest = offset - longestOverlaid
        while low < high {
            let middle = (low + high) / 2
            if overlay[middle].offset < earliest { low = middle + 1 } else { high = middle }
        }
        let end = offset + count
        var index = low
        while index < overlay.count, overlay[index].offset < end {
            let patch = overlay[index]
            let from = max(patch.offset, offset)
            let to = min(patch.offset + patch.bytes.count, end)
            if from < to {
                patch.bytes.withUnsafeBytes { bytes in
                    (buffer.baseAddress! + (from - offset)).copyMemory(
                        from: bytes.baseAddress! + (from - patch.offset), byteCount: to - from)
                }
            }
            index += 1
        }
    }

    /// Writes the waiting file patches, and those of the overlay: merged and in the order of their offsets,
    /// the patches within one piece of `flushSize` bytes are applied to a copy of that piece read from the
    /// file, which is written back once.
    private func applyFilePatches() {
        // The overlay's patches came first.
        filePatches = Self.merged(overlay + filePatches)
        overlay.removeAll()
        longestOverlaid = 0
        defer { filePatches.removeAll() }
        guard !filePatches.isEmpty else { return }
        guard let file else {
            return recordReadFailure(SpoolError("the temporary file was lost before it could be rewritten"))
        }
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

    /// Lays the waiting patches of the file over its reads from now on, and moves the memory part to the
    /// file, when there is a file.
    public func flush() {
        overlayFilePatches()
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
                if !overlay.isEmpty {
                    layOverlay(
                        on: UnsafeMutableRawBufferPointer(rebasing: buffer[done..<(done + result)]), at: position,
                        count: result)
                }
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
