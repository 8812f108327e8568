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
    /// detection): they are handed to the capture reader, which goes on reading the descriptor, or, for bytes
    /// in memory, reads them all from memory.
    init(continuing bytes: ByteSource, port: UInt16) throws(InputError) {
        source = bytes.name
        let (buffered, descriptor) = bytes.takeOver()
        do {
            if let descriptor {
                reader = try CaptureReader(
                    fileDescriptor: descriptor, name: bytes.name, alreadyRead: buffered, port: port)
            } else {
                reader = try CaptureReader(bytes: buffered, name: bytes.name, port: port)
            }
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

    public var mayHaveSeveralInterfaces: Bool { reader.mayHaveSeveralInterfaces }

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
