import AuditModel

/// `json`: one JSON document as a person saves it, pretty-printed or not: a message object, an array of
/// message objects, or several documents one after another (what `jq .` prints). Each object, and each
/// element of a top-level array, is one record located by the line where it begins.
///
/// The document is split without being parsed: a scan that knows only strings and brackets finds where each
/// value begins and ends, and each value's bytes go to the checker as one message (so a broken one gets the
/// same exact `protocol.invalid-json` finding an NDJSON line would). Memory holds one value at a time, at
/// most `LineRecordReader.maxLineBytes`; a longer one is `recordTooLong`.
public final class JSONDocumentReader: RecordReader {
    public let source: String
    public let kind = InputKind.json
    private let bytes: ByteSource
    private var splitter: JSONValueSplitter
    private var documentError: String?

    public var readError: String? {
        if let failure = bytes.error { return failure }
        return documentError
    }

    public var contents: InputContents { splitter.line == 1 && splitter.sawNothing ? .empty : .lines(splitter.line) }

    init(_ bytes: ByteSource) {
        self.bytes = bytes
        source = bytes.name
        splitter = JSONValueSplitter(limit: LineRecordReader.maxLineBytes) { [unowned bytes] in
            let chunk = bytes.read(64 * 1024)
            return chunk.isEmpty ? nil : chunk
        }
    }

    public func next() -> InputRecord? {
        guard let value = splitter.next() else {
            if let open = splitter.unclosedArrayLine, documentError == nil {
                documentError = "the JSON array that begins on line \(open) is not closed: the document ends early"
            }
            return nil
        }
        if value.overlong {
            return InputRecord(
                locator: .line(value.line), payload: .problem(.recordTooLong(limit: LineRecordReader.maxLineBytes)))
        }
        return InputRecord(locator: .line(value.line), payload: .json(value.bytes))
    }
}

/// Splits a stream of JSON text into its values: each top-level value, and each element of a top-level
/// array. Knows strings (with escapes) and brackets only; whatever else the text holds stays in the value's
/// bytes for the JSON reader to judge.
struct JSONValueSplitter {
    struct Value {
        var bytes: [UInt8]
        /// 1-based line of the value's first byte.
        var line: Int
        var overlong: Bool
    }

    private let limit: Int
    private let nextChunk: () -> ArraySlice<UInt8>?
    private var chunk: ArraySlice<UInt8> = []
    private var exhausted = false
    /// The line of the next byte.
    private(set) var line = 1
    /// Whether no byte but whitespace was met so far.
    private(set) var sawNothing = true
    /// Inside a top-level array: the line where it opened.
    private var arrayLine: Int?
    /// Set when the input ended inside a top-level array.
    private(set) var unclosedArrayLine: Int?

    init(limit: Int, nextChunk: @escaping () -> ArraySlice<UInt8>?) {
        self.limit = limit
        self.nextChunk = nextChunk
    }

    private mutating func peek() -> UInt8? {
        if chunk.isEmpty {
            guard !exhausted, let more = nextChunk() else {
                exhausted = true
                return nil
            }
            chunk = more
        }
        return chunk.first
    }

    private mutating func advance() {
        if chunk.first == 0x0A { line += 1 }
        chunk = chunk.dropFirst()
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), Self.isWhitespace(byte) { advance() }
    }

    /// The next value, or `nil` at the end of the text.
    mutating func next() -> Value? {
        while true {
            skipWhitespace()
            guard let byte = peek() else {
                if let arrayLine { unclosedArrayLine = arrayLine }
                arrayLine = nil
                return nil
            }
            sawNothing = false
            if arrayLine != nil {
                switch byte {
                case UInt8(ascii: ","):
                    advance()
                    continue
                case UInt8(ascii: "]"):
                    advance()
                    arrayLine = nil
                    continue
                default:
                    return scanValue(inArray: true)
                }
            }
            if byte == UInt8(ascii: "[") {
                arrayLine = line
                advance()
                continue
            }
            return scanValue(inArray: false)
        }
    }

    /// One value from the current byte: in an array it ends before a `,` or `]` outside any string or
    /// bracket; at the top level, where its brackets close (or, for a bare scalar, at whitespace).
    private mutating func scanValue(inArray: Bool) -> Value {
        var value = Value(bytes: [], line: line, overlong: false)
        var depth = 0
        var inString = false
        var escaped = false
        var length = 0
        func keep(_ byte: UInt8) {
            length += 1
            if length > limit {
                value.overlong = true
                value.bytes = []
            } else if !value.overlong {
                value.bytes.append(byte)
            }
        }
        while let byte = peek() {
            if inString {
                advance()
                keep(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 && !inArray { break }
                }
                continue
            }
            if depth == 0 {
                if inArray && (byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]")) { break }
                if !inArray && length > 0 && Self.isWhitespace(byte) { break }
            }
            advance()
            keep(byte)
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth <= 0 {
                    depth = 0
                    if !inArray { return value }
                }
            default: break
            }
        }
        // The whitespace between an array element and its comma is not part of it.
        while let last = value.bytes.last, Self.isWhitespace(last) { value.bytes.removeLast() }
        return value
    }
}
