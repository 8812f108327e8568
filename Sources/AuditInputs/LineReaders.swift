import AuditModel
import JSONCore

/// Reads a text input line by line and turns each line into a record (or none, for lines that carry no
/// message). Shared by the `wire`, `ndjson` and `log` kinds; the locator is the 1-based line number.
public final class LineRecordReader: RecordReader {
    public let source: String
    public let kind: InputKind
    public var readError: String? { bytes.error }

    /// Longest line read whole. A usage datagram is at most 64 KiB; a log line quoting one is a little longer.
    public static let maxLineBytes = 1 << 20

    private let bytes: ByteSource
    private let interpret: (ArraySlice<UInt8>) -> InputRecord.Payload?
    private var lineNumber = 0

    init(bytes: ByteSource, kind: InputKind, interpret: @escaping (ArraySlice<UInt8>) -> InputRecord.Payload?) {
        self.source = bytes.name
        self.bytes = bytes
        self.kind = kind
        self.interpret = interpret
    }

    public var contents: InputContents { lineNumber == 0 ? .empty : .lines(lineNumber) }

    public func next() -> InputRecord? {
        while let (line, overlong) = bytes.nextLine(limit: Self.maxLineBytes) {
            lineNumber += 1
            if overlong {
                guard Self.mayHoldMessage(line, kind: kind) else { continue }
                return InputRecord(
                    locator: .line(lineNumber),
                    payload: .problem(.recordTooLong(limit: Self.maxLineBytes)))
            }
            if let payload = interpret(line) { return InputRecord(locator: .line(lineNumber), payload: payload) }
        }
        return nil
    }

    private static func mayHoldMessage(_ line: ArraySlice<UInt8>, kind: InputKind) -> Bool {
        kind != .log || LogLine.find(in: line) != nil
    }

    /// `wire`: every non-blank line is one datagram payload, byte for byte.
    public static func wire(_ bytes: ByteSource) -> LineRecordReader {
        LineRecordReader(bytes: bytes, kind: .wire) { line in
            isBlank(line) ? nil : .datagram(Array(line))
        }
    }

    /// `ndjson`: every non-blank line is one JSON message.
    public static func ndjson(_ bytes: ByteSource) -> LineRecordReader {
        LineRecordReader(bytes: bytes, kind: .ndjson) { line in
            isBlank(line) ? nil : .json(Array(line))
        }
    }

    /// `log`: the `Usage tracking start message:` and `end message (unencoded):` lines of a `parsl.log`;
    /// every other line is skipped.
    public static func log(_ bytes: ByteSource) -> LineRecordReader {
        LineRecordReader(bytes: bytes, kind: .log) { line in
            guard let found = LogLine.find(in: line) else { return nil }
            let text = String(decoding: line[found.literalStart...], as: UTF8.self)
            return .logged(kind: found.kind, value: Result { () throws(PythonLiteralError) in try PythonLiteral.parse(text) })
        }
    }

    static func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}

/// Recognises the lines Parsl's `parsl.usage_tracking.usage` module logs for each message.
enum LogLine {
    static let markers: [(marker: [UInt8], kind: MessageKind)] = [
        (Array("Usage tracking start message: ".utf8), .start),
        (Array("Usage tracking end message (unencoded): ".utf8), .end),
        (Array("Usage tracking end message: ".utf8), .end),
    ]

    /// Whether a line has the shape of Parsl's log format: `<epoch>.<fraction> <YYYY-MM-DD> <HH:MM:SS> ...`.
    /// A `parsl.log` of an old client holds no usage message line at all, and must still read as a log.
    static func looksLikeParslLogLine(_ line: ArraySlice<UInt8>) -> Bool {
        var i = line.startIndex
        func digits(_ minimum: Int, _ maximum: Int) -> Bool {
            var count = 0
            while i < line.endIndex, line[i] >= 0x30, line[i] <= 0x39, count < maximum {
                i += 1
                count += 1
            }
            return count >= minimum
        }
        func expect(_ byte: UInt8) -> Bool {
            guard i < line.endIndex, line[i] == byte else { return false }
            i += 1
            return true
        }
        return digits(1, 12) && expect(0x2E) && digits(1, 9) && expect(0x20)
            && digits(4, 4) && expect(0x2D) && digits(2, 2) && expect(0x2D) && digits(2, 2) && expect(0x20)
            && digits(2, 2) && expect(0x3A) && digits(2, 2) && expect(0x3A) && digits(2, 2) && expect(0x20)
    }

    /// The message kind and where its Python literal starts, if the line logs a usage message.
    static func find(in line: ArraySlice<UInt8>) -> (kind: MessageKind, literalStart: Int)? {
        for (marker, kind) in markers {
            if let start = firstIndex(of: marker, in: line) { return (kind, start + marker.count) }
        }
        return nil
    }

    private static func firstIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var i = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while i <= last {
            guard let candidate = haystack[i...last].firstIndex(of: first) else { return nil }
            if haystack[candidate..<(candidate + needle.count)].elementsEqual(needle) { return candidate }
            i = candidate + 1
        }
        return nil
    }
}
