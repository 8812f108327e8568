import AuditModel
import CaptureReaders

/// Opens an input for `check`: detects its kind from its first bytes (never from its name) unless one is
/// forced, and returns the streaming reader for it.
public enum InputOpener {
    /// How many bytes kind detection looks at.
    static let detectionWindow = 64 * 1024

    public static func open(path: String, kind forced: InputKind? = nil, port: UInt16 = 50077) throws(InputError)
        -> any RecordReader
    {
        let bytes = try ByteSource(path: path)
        let kind = forced ?? detectKind(bytes.peek(detectionWindow))
        switch kind {
        case .wire: return LineRecordReader.wire(bytes)
        case .ndjson: return LineRecordReader.ndjson(bytes)
        case .log: return LineRecordReader.log(bytes)
        case .pcap:
            return path == "-" ? try CaptureRecordReader(continuing: bytes, port: port) : try CaptureRecordReader(path: path, port: port)
        case .journal: return JournalReader(bytes)
        }
    }

    /// The kind of an input from its first bytes.
    ///
    /// Binary kinds by their magic; text by its lines: a line in Parsl's log format or any usage line makes
    /// it a log, a line
    /// starting with the protocol byte (`1{`) makes it wire, and JSON-only lines are NDJSON. Bare-JSON wire
    /// lines (the legacy protocol) read the same as NDJSON; the checker still tells their generation.
    public static func detectKind(_ head: ArraySlice<UInt8>) -> InputKind {
        if let binary = binaryKind(head) { return binary }
        var sawJSON = false
        for line in head.split(separator: 0x0A, omittingEmptySubsequences: true).prefix(1000) {
            if LogLine.find(in: line) != nil || LogLine.looksLikeParslLogLine(line) { return .log }
            guard let first = line.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            if first == UInt8(ascii: "1"), line.drop(while: { $0 == 0x20 || $0 == 0x09 }).dropFirst().first == UInt8(ascii: "{") {
                return .wire
            }
            if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { sawJSON = true }
        }
        return sawJSON ? .ndjson : .wire
    }

    /// `pcap` (either byte order, µs or ns, and the modified-pcap magic), `pcapng`, or a `listen` journal,
    /// from the magic.
    static func binaryKind(_ head: ArraySlice<UInt8>) -> InputKind? {
        guard head.count >= 4 else { return nil }
        if CaptureReader.looksLikeCapture(firstBytes: head.prefix(4)) { return .pcap }
        if head.starts(with: journalMagic) { return .journal }
        return nil
    }

    /// The first bytes of a journal written by `usage-audit listen`.
    public static let journalMagic = Array("usage-audit journal".utf8)
}
