#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writing a whole buffer to a file descriptor: `write` (or `pwrite` at an offset) may write part of it or be
/// interrupted by a signal, so it is called until every byte is out. Shared by the spool, the report output
/// and the collector's journal.
public enum DescriptorWriting {
    /// Writes `bytes` to `descriptor`, at `offset` when given (without moving the file position), else at the
    /// current position. Returns how many bytes were written, and why it stopped short if it did.
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, at offset: Int? = nil)
        -> (written: Int, failure: String?)
    {
        var written = 0
        while written < bytes.count {
            let pointer = bytes.baseAddress! + written
            let result =
                if let offset {
                    pwrite(descriptor, pointer, bytes.count - written, off_t(offset + written))
                } else {
                    write(descriptor, pointer, bytes.count - written)
                }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else {
                return (written, result < 0 ? String(cString: strerror(errno)) : "no progress")
            }
            written += result
        }
        return (written, nil)
    }
}
