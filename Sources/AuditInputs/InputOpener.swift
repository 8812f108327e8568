import AuditModel
import Bytes
import CaptureReaders
import JSONCore

/// Opens an input for `check`: detects its kind from its first bytes (never from its name, and through gzip
/// when it is compressed) unless one is forced, and returns the streaming reader for it, or why it is not
/// a usage input.
public enum InputOpener {
    /// How many bytes kind detection looks at.
    static let detectionWindow = 64 * 1024

    /// What to do with an input.
    public enum Opening {
        /// Audit it with this reader.
        case audit(any RecordReader)
        /// A file met in a folder that is not a usage input: listed in the report as skipped, for this reason.
        case skip(reason: String)
    }

    /// Opens an explicit input (a path the user named, or `-`). Content that is none of the kinds is an
    /// `InputError` naming what was expected; an empty input is read (and holds no message).
    public static func open(path: String, kind forced: InputKind? = nil, port: UInt16 = 50077) throws(InputError)
        -> any RecordReader
    {
        let bytes = try ByteSource(path: path)
        let head = bytes.peek(detectionWindow)
        if let forced { return try reader(forced, bytes, path: path, port: port) }
        switch detect(head, compressed: bytes.isCompressed) {
        case .kind(let kind): return try reader(kind, bytes, path: path, port: port)
        case .empty: return LineRecordReader.ndjson(bytes)
        case .unrecognized(let what):
            throw InputError(source: path, message: "not a usage input: \(what); \(expected)")
        }
    }

    /// Opens a file found in a folder: audited when its content is a usage input (a capture, a journal, a
    /// Parsl log, or wire/NDJSON/JSON holding at least one object with a `correlator` or `uuid` member),
    /// skipped with the reason otherwise. Only a file that cannot be opened at all throws.
    public static func openFound(path: String, port: UInt16 = 50077) throws(InputError) -> Opening {
        let bytes = try ByteSource(path: path)
        let head = bytes.peek(detectionWindow)
        if let failure = bytes.error { return .skip(reason: "cannot read: \(failure)") }
        switch detect(head, compressed: bytes.isCompressed) {
        case .empty: return .skip(reason: "empty")
        case .unrecognized(let what): return .skip(reason: what)
        case .kind(let kind):
            switch kind {
            case .pcap, .journal, .log: return .audit(try reader(kind, bytes, path: path, port: port))
            case .wire, .ndjson, .json:
                guard holdsMessageObject(head, kind: kind) else {
                    let what = kind == .json ? "a JSON document" : kind == .wire ? "wire lines" : "NDJSON"
                    return .skip(
                        reason: "\(what) with no usage message (no object with a 'correlator' or 'uuid' member) "
                            + "in its first \(detectionWindow / 1024) KiB")
                }
                return .audit(try reader(kind, bytes, path: path, port: port))
            }
        }
    }

    /// What an explicit input must be, for the error of one that is none of it.
    static let expected =
        "expected a pcap or pcapng capture, a 'usage-audit listen' journal, a parsl.log, wire lines ('1{...}'), "
        + "NDJSON, or a JSON message or array of messages (any of them gzip-compressed)"

    private static func reader(_ kind: InputKind, _ bytes: ByteSource, path: String, port: UInt16) throws(InputError)
        -> any RecordReader
    {
        switch kind {
        case .wire: return LineRecordReader.wire(bytes)
        case .ndjson: return LineRecordReader.ndjson(bytes)
        case .log: return LineRecordReader.log(bytes)
        case .json: return JSONDocumentReader(bytes)
        case .journal: return JournalReader(bytes)
        case .pcap:
            if bytes.isCompressed { return try CaptureRecordReader(decompressing: bytes, port: port) }
            return path == "-"
                ? try CaptureRecordReader(continuing: bytes, port: port)
                : try CaptureRecordReader(path: path, port: port)
        }
    }

    /// What kind detection concluded.
    public enum Detection: Equatable, Sendable {
        case kind(InputKind)
        /// No byte at all.
        case empty
        /// None of the kinds; what the content looks like instead.
        case unrecognized(String)
    }

    /// The kind of an input from its first bytes (decompressed, for gzip).
    ///
    /// Binary kinds by their magic; text by its lines: a line in Parsl's log format or any usage line makes
    /// it a log, a line starting with a protocol byte before `{` makes it wire; a top-level array, or a
    /// first object spread over several lines, makes it a JSON document; one JSON value per line is NDJSON.
    /// Bare-JSON wire lines (the legacy protocol) read the same as NDJSON; the checker still tells their
    /// generation.
    public static func detect(_ head: ArraySlice<UInt8>, compressed: Bool = false) -> Detection {
        guard !head.isEmpty else { return .empty }
        if let binary = binaryKind(head) { return .kind(binary) }
        if let what = binaryContent(head) { return .unrecognized(compressed ? "gzip-compressed \(what)" : what) }
        var sawJSON = false
        for line in head.split(separator: 0x0A, omittingEmptySubsequences: true).prefix(1000) {
            if LogLine.find(in: line) != nil || LogLine.looksLikeParslLogLine(line) { return .kind(.log) }
            let text = line.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
            guard let first = text.first else { continue }
            if first != UInt8(ascii: "{"), first != UInt8(ascii: "["), text.dropFirst().first == UInt8(ascii: "{") {
                return .kind(.wire)
            }
            if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { sawJSON = true }
        }
        guard sawJSON else {
            let what = "text with no usage message line, wire line or JSON value"
            return .unrecognized(compressed ? "gzip-compressed \(what)" : what)
        }
        return isJSONDocument(head) ? .kind(.json) : .kind(.ndjson)
    }

    /// Whether JSON text is one document rather than one value per line: its first value is an array, or an
    /// object whose first line does not close it (pretty-printed).
    static func isJSONDocument(_ head: ArraySlice<UInt8>) -> Bool {
        let text = head.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
        guard let first = text.first else { return false }
        if first == UInt8(ascii: "[") { return true }
        guard first == UInt8(ascii: "{") else { return false }
        var depth = 0
        var inString = false
        var escaped = false
        for byte in text {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x0A: return true  // the first line ended inside the object
            case 0x22: inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return false }
            default: break
            }
        }
        return false
    }

    /// What binary content that is no capture or journal looks like, or `nil` for text. Text is judged by its
    /// bytes, not by UTF-8 validity: a wire file may hold a datagram that is not UTF-8 (`protocol.invalid-utf8`).
    static func binaryContent(_ head: ArraySlice<UInt8>) -> String? {
        if head.starts(with: [0x7F, 0x45, 0x4C, 0x46]) { return "an ELF executable or library" }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "a zip archive" }
        if head.starts(with: GzipStream.magic) { return "gzip data inside gzip" }
        if head.count >= 262, head[(head.startIndex + 257)..<(head.startIndex + 262)].elementsEqual("ustar".utf8) {
            return "a tar archive"
        }
        let sample = head.prefix(4096)
        let control = sample.filter { $0 < 0x09 || ($0 > 0x0D && $0 < 0x20) || $0 == 0x7F }.count
        if sample.contains(0) || control * 20 > sample.count {
            return "binary data (first bytes \(sample.prefix(4).map { hex($0) }.joined(separator: " ")))"
        }
        return nil
    }

    private static func hex(_ byte: UInt8) -> String { LowerHex.string(CollectionOfOne(byte)) }

    /// Whether text of `kind` holds, within `head`, an object with a `correlator` or `uuid` member: a wire or
    /// NDJSON line that is one, or an object (or element of a top-level array) of a JSON document.
    static func holdsMessageObject(_ head: ArraySlice<UInt8>, kind: InputKind) -> Bool {
        func isMessage(_ bytes: ArraySlice<UInt8>) -> Bool {
            guard let value = try? JSONValue.parse(Array(bytes)), case .object(let object) = value else { return false }
            return object["correlator"] != nil || object["uuid"] != nil
        }
        if kind == .json {
            var chunk: ArraySlice<UInt8>? = head
            var splitter = JSONValueSplitter(limit: detectionWindow) {
                defer { chunk = nil }
                return chunk
            }
            while let value = splitter.next() {
                if !value.overlong, isMessage(value.bytes[...]) { return true }
            }
            return false
        }
        for line in head.split(separator: 0x0A, omittingEmptySubsequences: true) {
            var text = line.drop(while: { $0 == 0x20 || $0 == 0x09 })
            if text.first != UInt8(ascii: "{") { text = text.dropFirst() }  // a protocol byte
            if isMessage(text) { return true }
        }
        return false
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
