import SystemPackage

// `fsync(2)`, which swift-system does not wrap.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension FileDescriptor {
    /// Writes all of `bytes`, at `offset` when given (without moving the file position), else at the current
    /// position. `write` may write part of a buffer or be interrupted by a signal, so it is called until every
    /// byte is out; unlike swift-system's `writeAll`, a call that writes nothing is a failure, never a spin,
    /// and the bytes that did get out are counted. Behind the spool, the report output and the journal.
    public func writeAll(_ bytes: UnsafeRawBufferPointer, at offset: Int? = nil) -> (written: Int, failure: Errno?) {
        var written = 0
        while written < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[written...])
            let result: Int
            do {
                result =
                    if let offset {
                        try write(toAbsoluteOffset: Int64(offset + written), rest, retryOnInterrupt: true)
                    } else {
                        try write(rest, retryOnInterrupt: true)
                    }
            } catch let error as Errno {
                return (written, error)
            } catch {
                return (written, .ioError)
            }
            // A write that makes no progress would repeat forever: the device is full or gone.
            guard result > 0 else { return (written, .noSpace) }
            written += result
        }
        return (written, nil)
    }

    /// Asks the kernel to put the file's data on disk (`fsync(2)`): evidence such as the journal must survive a
    /// power cut once the collector says it stopped cleanly.
    public func synchronize() throws(Errno) {
        guard fsync(rawValue) == 0 else { throw Errno(rawValue: errno) }
    }
}
