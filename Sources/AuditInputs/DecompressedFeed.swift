import Foundation

// A local socket pair and `send(2)` with `MSG_NOSIGNAL`: swift-system has no sockets.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Feeds the decompressed bytes of a `ByteSource` to a descriptor a C reader (libpcap) can read: a thread
/// copies them into one end of a local socket pair, the reader reads the other. The socket's buffer bounds
/// the memory; when the reader goes away first the copy ends (`MSG_NOSIGNAL`: no SIGPIPE).
///
/// `@unchecked Sendable`: the source is used only by the copying thread once it starts; `error` is read
/// after the reader saw the end of the stream, which the copy's closing of its end orders after the write.
final class DecompressedFeed: @unchecked Sendable {
    let descriptor: Int32
    private let writeEnd: Int32
    private let bytes: ByteSource
    private let lock = NSLock()
    private var finished = false

    init?(_ bytes: ByteSource) {
        var pair: [Int32] = [-1, -1]
        #if canImport(Glibc)
            let type = Int32(SOCK_STREAM.rawValue)
        #else
            let type = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, type, 0, &pair) == 0 else { return nil }
        descriptor = pair[0]
        writeEnd = pair[1]
        self.bytes = bytes
        let thread = Thread { [self] in copy() }
        thread.name = "usage-audit gzip capture"
        thread.start()
    }

    /// The source's error, once the copy is over (`nil` before).
    var error: String? {
        lock.lock()
        defer { lock.unlock() }
        return finished ? bytes.error : nil
    }

    private func copy() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        copying: while true {
            let count = buffer.withUnsafeMutableBytes { bytes.readForStream(into: $0.baseAddress!, count: $0.count) }
            guard count > 0 else { break }
            var sent = 0
            while sent < count {
                let written = buffer.withUnsafeBytes { raw in
                    send(writeEnd, raw.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL))
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    break copying  // the reader went away
                }
                sent += written
            }
        }
        lock.lock()
        finished = true
        lock.unlock()
        close(writeEnd)
    }

    /// Closes the reading end: a copy still running then ends (its thread holds the feed until it does).
    func closeReadingEnd() { close(descriptor) }
}
