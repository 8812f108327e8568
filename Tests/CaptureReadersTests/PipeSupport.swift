#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

func pipeDescriptors(_ descriptors: inout [Int32]) -> Bool {
    descriptors.withUnsafeMutableBufferPointer { pipe($0.baseAddress!) } == 0
}

func closeDescriptor(_ descriptor: Int32) { close(descriptor) }

func openForReading(_ path: String) -> Int32 { open(path, O_RDONLY) }

/// Reads and drops `count` bytes, as a caller that looked at the start of the input would.
func skipBytes(_ descriptor: Int32, _ count: Int) -> Bool {
    var buffer = [UInt8](repeating: 0, count: count)
    return read(descriptor, &buffer, count) == count
}

/// Writes bytes into a pipe from a POSIX thread, then closes its end.
final class PipeWriter: @unchecked Sendable {
    // @unchecked: `bytes` and `descriptor` are immutable; the thread is joined before the object is released.
    let descriptor: Int32
    let bytes: [UInt8]
    private var thread: pthread_t?

    init(descriptor: Int32, bytes: [UInt8]) {
        self.descriptor = descriptor
        self.bytes = bytes
    }

    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        pthread_create(
            &handle, nil,
            { context in
                let writer = Unmanaged<PipeWriter>.fromOpaque(context!).takeRetainedValue()
                var written = 0
                while written < writer.bytes.count {
                    let count = writer.bytes[written...].withUnsafeBytes {
                        write(writer.descriptor, $0.baseAddress, $0.count)
                    }
                    if count <= 0 { break }
                    written += count
                }
                close(writer.descriptor)
                return nil
            }, context)
        thread = handle
    }

    func join() {
        if let thread { pthread_join(thread, nil) }
    }
}
