import AuditInputs
import SystemPackage

/// The journal as the live check reads it while the receiver is still appending: only the bytes the writer has
/// committed (`limit`), through a descriptor of its own (`pread`, so the writer's `O_APPEND` offset is never
/// shared).
///
/// One owning class per descriptor, closed in `deinit`; used on the live check's thread only.
final class JournalTail: JournalByteInput {
    /// Bytes the writer has handed to the kernel so far; nothing beyond is read.
    var limit = 0
    /// Set once the writer is closed: a record still short then is torn, not pending.
    var isComplete = false
    private(set) var error: String?

    private let descriptor: FileDescriptor
    private var buffer: [UInt8] = []
    /// The first unconsumed byte in `buffer`.
    private var start = 0
    /// The file offset of the byte after `buffer`'s last.
    private var fileOffset = 0
    private static let chunk = 256 * 1024

    init(path: String) throws(CollectorError) {
        do {
            descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
        } catch {
            throw CollectorError(
                code: .journal, message: "journal \(path): cannot open it for the live check: \(error)")
        }
    }

    deinit { try? descriptor.close() }

    func peek(_ count: Int) -> ArraySlice<UInt8> {
        while buffer.count - start < count, fileOffset < limit, fill(wanted: count - (buffer.count - start)) {}
        return buffer[start..<min(buffer.count, start + count)]
    }

    func read(_ count: Int) -> ArraySlice<UInt8> {
        let bytes = peek(count)
        start += bytes.count
        return bytes
    }

    /// Reads at least `wanted` more bytes when the writer has committed them; false when nothing could be read.
    private func fill(wanted: Int) -> Bool {
        if start > Self.chunk {
            buffer.removeFirst(start)
            start = 0
        }
        let count = min(max(wanted, Self.chunk), limit - fileOffset)
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: count))
        var got = 0
        var failure: (any Error)?
        do {
            got = try buffer.withUnsafeMutableBytes { raw in
                try descriptor.read(
                    fromAbsoluteOffset: Int64(fileOffset), into: UnsafeMutableRawBufferPointer(rebasing: raw[old...]),
                    retryOnInterrupt: true)
            }
        } catch {
            failure = error
        }
        guard got > 0 else {
            buffer.removeLast(count)
            error =
                if let failure {
                    "reading the journal back failed: \(failure)"
                } else {
                    "the journal is shorter (\(fileOffset) bytes) than what was written (\(limit)): "
                        + "something else changed it"
                }
            limit = fileOffset
            return false
        }
        buffer.removeLast(count - got)
        fileOffset += got
        return true
    }
}
