import AuditModel
import CaptureReaders

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

    /// Reads a capture whose first bytes were already taken from `bytes` (standard input): what is left of
    /// the stream is copied after them into a temporary file, which libpcap then reads.
    init(spooling bytes: ByteSource, port: UInt16) throws(InputError) {
        source = bytes.name
        var template = Array("/tmp/usage-audit-stdin-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw InputError(source: bytes.name, message: "cannot spool standard input: \(String(cString: strerror(errno)))") }
        let path = String(cString: template)
        defer {
            close(fd)
            unlink(path)
        }
        while true {
            let chunk = bytes.read(1 << 20)
            if chunk.isEmpty { break }
            let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == chunk.count else {
                throw InputError(source: bytes.name, message: "cannot spool standard input: \(String(cString: strerror(errno)))")
            }
        }
        do { reader = try CaptureReader(path: path, port: port) } catch {
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
                    message: "the capture kept \(cut.capturedLength) of the datagram's \(cut.originalLength) bytes (snap length): its message cannot be checked",
                    isMessage: true))
        case .fragmentMissing(let loss):
            let received = "\(loss.fragmentsReceived) fragment(s), \(loss.bytesReceived) bytes"
            let expected = loss.expectedLength.map { " of \($0)" } ?? ""
            return InputRecord(
                locator: .packet(loss.frame),
                payload: .problem(
                    rule: "capture.fragment-missing",
                    message: "an IP datagram (id \(loss.identification)) could not be reassembled: only \(received)\(expected) arrived, frames \(loss.frame)-\(loss.lastFrame) (\(loss.reason))",
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
