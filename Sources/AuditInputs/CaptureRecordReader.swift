import AuditModel
import CaptureReaders

/// `pcap`: the UDP datagrams to the usage port in a pcap or pcapng capture, each a record located by its
/// frame number; what the capture lost (snap length, missing fragments) or could not decode becomes a
/// problem record, so every datagram is accounted for.
public final class CaptureRecordReader: RecordReader {
    public let source: String
    public let kind = InputKind.pcap
    public var readError: String? {
        // Damage to the gzip stream explains the capture's own "damage" (it ends where decompression stopped).
        if let failure = compressed?.error { return failure }
        return captureError
    }
    private var captureError: String?
    private let reader: CaptureReader
    /// What feeds a gzip capture's decompressed bytes to the capture reader.
    private var compressed: DecompressedFeed?

    /// What the capture held: frames, UDP datagrams, and datagrams to other ports that look like usage
    /// messages (for `input.no-messages`).
    public var contents: InputContents {
        let statistics = reader.statistics
        return .capture(
            frames: statistics.frames, udpDatagrams: statistics.udpDatagrams,
            usageLikeByPort: statistics.usageLikeDatagramsByPort.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                .map { InputContents.PortCount(port: $0.key, count: $0.value) })
    }

    public init(path: String, port: UInt16) throws(InputError) {
        source = path
        do { reader = try CaptureReader(path: path, port: port) } catch {
            throw InputError(source: path, message: error.message)
        }
    }

    /// Reads a capture from a stream whose first bytes `bytes` already read (standard input, for kind
    /// detection): they are handed to the capture reader, which goes on reading the descriptor.
    init(continuing bytes: ByteSource, port: UInt16) throws(InputError) {
        source = bytes.name
        let (buffered, descriptor) = bytes.takeOver()
        do {
            reader = try CaptureReader(fileDescriptor: descriptor, name: bytes.name, alreadyRead: buffered, port: port)
        } catch {
            throw InputError(source: bytes.name, message: error.message)
        }
    }

    /// Reads a capture through `bytes`, which decompresses it (a gzip capture, a file or standard input):
    /// libpcap reads a descriptor's stream, so the decompressed bytes reach it through a socket pair.
    /// Memory stays that of the decompression window and the socket's buffer.
    init(decompressing bytes: ByteSource, port: UInt16) throws(InputError) {
        source = bytes.name
        guard let feed = DecompressedFeed(bytes) else {
            throw InputError(source: bytes.name, message: "cannot decompress the capture: no socket pair")
        }
        compressed = feed
        do {
            reader = try CaptureReader(fileDescriptor: feed.descriptor, name: bytes.name, port: port)
        } catch {
            throw InputError(source: bytes.name, message: feed.error ?? error.message)
        }
    }

    deinit { compressed?.closeReadingEnd() }

    public func next() -> InputRecord? {
        guard let event = reader.next() else { return nil }
        switch event {
        case .datagram(let datagram):
            return InputRecord(
                locator: .packet(datagram.frame), payload: .datagram(datagram.payload),
                region: Self.region(datagram.record),
                network: Self.evidence(
                    datagram.source, datagram.destination, datagram.timestamp, interface: datagram.interfaceName),
                interface: datagram.interface)
        case .truncated(let cut):
            return InputRecord(
                locator: .packet(cut.frame), payload: .problem(.datagramTruncated(cut)), region: Self.region(cut.record),
                network: Self.evidence(cut.source, cut.destination, cut.timestamp, interface: cut.interfaceName),
                interface: cut.interface)
        case .fragmentMissing(let loss):
            return InputRecord(locator: .packet(loss.frame), payload: .problem(.fragmentsMissing(loss)))
        case .unsupportedLinkType(let link):
            return InputRecord(locator: .packet(link.frame), payload: .problem(.unsupportedLinkType(link)))
        case .damaged(let damage):
            let place = damage.offset.map { " at byte \($0)" } ?? ""
            captureError = "damaged at frame \(damage.frame)\(place): \(damage.reason)"
            return InputRecord(locator: .packet(damage.frame), payload: .problem(.captureDamaged(damage)))
        }
    }

    private static func region(_ record: Range<Int>?) -> ByteRegion? {
        record.map { ByteRegion(offset: $0.lowerBound, length: $0.count) }
    }

    /// A datagram's network evidence; the time printed from its integers whatever they hold.
    static func evidence(
        _ source: CaptureEndpoint, _ destination: CaptureEndpoint, _ time: CaptureTimestamp, interface: String?
    ) -> NetworkEvidence {
        NetworkEvidence(
            from: source.description, to: destination.description,
            time: NetworkEvidence.rfc3339(seconds: time.seconds, nanoseconds: Int64(time.nanoseconds)),
            interface: interface)
    }
}

import Foundation

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
