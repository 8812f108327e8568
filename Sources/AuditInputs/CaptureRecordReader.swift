import AuditModel
import CaptureReaders

/// `pcap`: the UDP datagrams to the usage port in a pcap or pcapng capture, each a record located by its
/// frame number; what the capture lost (snap length, missing fragments) or could not decode becomes a
/// problem record, so every datagram is accounted for.
public final class CaptureRecordReader: RecordReader {
    public let source: String
    public let kind = InputKind.pcap
    public private(set) var readError: String?
    private let reader: CaptureReader

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

    public func next() -> InputRecord? {
        guard let event = reader.next() else { return nil }
        switch event {
        case .datagram(let datagram):
            return InputRecord(locator: .packet(datagram.frame), payload: .datagram(datagram.payload))
        case .truncated(let cut):
            return InputRecord(
                locator: .packet(cut.frame),
                payload: .problem(
                    rule: "capture.truncated",
                    message: cut.capturedLength < cut.originalLength
                        ? "the capture kept \(cut.capturedLength) of the frame's \(cut.originalLength) bytes (snap length): its message cannot be checked"
                        : "the frame is shorter than its IP and UDP headers say (\(cut.capturedLength) bytes): its message cannot be checked",
                    isMessage: true))
        case .fragmentMissing(let loss):
            let received = "\(loss.fragmentsReceived) fragment(s), \(loss.bytesReceived) bytes"
            let port = loss.destinationPort == nil ? " (its first fragment, with the UDP port, is among the missing)" : ""
            let expected = loss.expectedLength.map { " of \($0)" } ?? ""
            return InputRecord(
                locator: .packet(loss.frame),
                payload: .problem(
                    rule: "capture.fragment-missing",
                    message: "an IP datagram (id \(loss.identification)) could not be reassembled: only \(received)\(expected) arrived, frames \(loss.frame)-\(loss.lastFrame) (\(loss.reason))\(port)",
                    isMessage: true))
        case .unsupportedLinkType(let link):
            return InputRecord(
                locator: .packet(link.frame),
                payload: .problem(
                    rule: "capture.unsupported-link-type",
                    message: "interface \(link.interface) has link type \(link.linkType)\(link.name.map { " (\($0))" } ?? ""), which usage-audit does not decode: its frames were not audited",
                    isMessage: false))
        case .damaged(let damage):
            let place = damage.offset.map { " at byte \($0)" } ?? ""
            readError = "damaged at frame \(damage.frame)\(place): \(damage.reason)"
            return InputRecord(
                locator: .packet(damage.frame),
                payload: .problem(
                    rule: "capture.damaged",
                    message: "the capture is damaged at frame \(damage.frame)\(place) (\(damage.reason)): frames before it were audited, none after",
                    isMessage: false))
        }
    }
}
