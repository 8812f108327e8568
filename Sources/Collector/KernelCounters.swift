import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the kernel says about the collector's socket: how many datagrams it dropped, and how many bytes wait in the
/// receive queue.
///
/// Linux counts the datagrams it could not queue for a socket (receive buffer full) in the socket's `sk_drops`.
/// `SO_RXQ_OVFL` reports that counter as ancillary data on each `recvmsg`, but SwiftNIO parses only the control
/// messages it knows (ECN, packet info) and discards the rest, so the collector cannot see it. The same counter is
/// readable at any time with `getsockopt(SO_MEMINFO)` (its `SK_MEMINFO_DROPS` entry, Linux 4.6 and later; it is
/// also the `drops` column of `/proc/net/udp`), which NIO passes through unchanged: that is what the collector
/// reads, every second and once more just before it closes the socket.
struct KernelCounters: Sendable {
    /// `SO_MEMINFO` from the Linux UAPI (`asm-generic/socket.h`; the same on every architecture Swift targets).
    static let memoryInfoOption: Int32 = 55

    /// `u32 meminfo[SK_MEMINFO_VARS]`: RMEM_ALLOC, RCVBUF, WMEM_ALLOC, SNDBUF, FWD_ALLOC, WMEM_QUEUED, OPTMEM, BACKLOG,
    /// DROPS.
    struct MemoryInfo: Sendable {
        var values: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
            0, 0, 0, 0, 0, 0, 0, 0, 0
        )
    }

    /// Datagrams the kernel dropped for this socket since it was opened.
    var drops: Int
    /// Bytes (with the kernel's bookkeeping) of datagrams queued and not yet read.
    var queuedBytes: Int

    /// Reads the counters; a failed future where the platform does not tell (not Linux).
    static func read(_ channel: any Channel) -> EventLoopFuture<KernelCounters> {
        #if os(Linux)
            guard let provider = channel as? any SocketOptionProvider else {
                return channel.eventLoop.makeFailedFuture(Unsupported())
            }
            let future: EventLoopFuture<MemoryInfo> = provider.unsafeGetSocketOption(
                level: .socket, name: NIOBSDSocket.Option(rawValue: memoryInfoOption))
            return future.map { info in
                KernelCounters(drops: Int(info.values.8), queuedBytes: Int(info.values.0))
            }
        #else
            return channel.eventLoop.makeFailedFuture(Unsupported())
        #endif
    }

    struct Unsupported: Error {}
}
