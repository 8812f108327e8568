/// Reads one large JSON document a piece at a time, for a reader that keeps little of it (the fingerprints
/// of a `--baseline` report): the top-level object's members one by one, and a member that is a list element
/// by element. Each piece is parsed by `JSONValue.parse`, so every byte is checked as strictly as any JSON
/// the tool reads, and handed over, then dropped: memory is that of the largest single piece (a message of
/// a report, a finding), not of the document. Read whole into a tree, a 20 MB report cost 129 MB.
///
/// The stream itself only finds where each value ends (stepping over strings, counting brackets) and reads
/// the punctuation between values; whether a value is JSON is the parser's verdict, its errors placed in the
/// document by line, column and byte, as a parse of the whole document places them.
public struct JSONObjectStream {
    /// Where the bytes come from.
    public enum Source {
        case memory([UInt8])
        /// Bytes a reader serves (a file's; one that decompresses gzip): `read` fills a buffer and gives the
        /// count, 0 at the end, or -1 when it failed, `failure` then saying why.
        case stream(read: (UnsafeMutableRawBufferPointer) -> Int, failure: () -> String?)
    }

    /// What the stream hands over, in document order.
    public enum Piece {
        /// A member read whole.
        case member(name: String, value: JSONValue)
        /// A member that is a list, before its elements.
        case list(name: String)
        /// The element at `index` (from 0) of the list member `name`.
        case element(name: String, index: Int, value: JSONValue)
    }

    /// Why the document could not be read to its end.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public enum Kind: Sendable {
            /// The source failed: `message` is its reason.
            case unreadable
            /// The bytes are not JSON: `message` says what and where.
            case notJSON
            /// JSON, but not an object: `message` says what it is ("a JSON list").
            case notAnObject
            /// More bytes than the limit.
            case tooLarge
        }
        public let kind: Kind
        public let message: String
        public var description: String { message }
    }

    private let source: Source
    /// Members read whole even when they are lists.
    private let wholeMembers: Set<String>
    /// The most bytes read, and the longest a value parsed may be.
    private let maxBytes: Int
    /// The unread bytes are `buffer[start..<end]`; `buffer[0]` is byte `base` of the document.
    private var buffer: [UInt8] = []
    private var start = 0
    private var end = 0
    private var base = 0
    private var atEnd = false
    /// Where `start` is: its line and column (Unicode scalars), both from 1.
    private var line = 1
    private var column = 1

    /// How many bytes a read asks for: bytes in memory are served in chunks too, so that they are read
    /// exactly as a file of them is (the fuzz target chooses small chunks, to put every boundary everywhere).
    public let chunk: Int
    /// How many bytes of a memory source were served.
    private var served = 0

    /// `wholeMembers` are handed over as `.member` whatever they hold; any other member that is a list, as
    /// `.list` and its `.element`s.
    public init(_ source: Source, chunk: Int = 1 << 16, wholeMembers: Set<String> = [], maxBytes: Int) {
        self.source = source
        self.chunk = max(1, chunk)
        self.wholeMembers = wholeMembers
        self.maxBytes = maxBytes
    }

    /// Reads the document to its end, handing each piece to `body`. A document that is JSON but no object is
    /// read through (a fault in it is `notJSON`), then refused as `notAnObject`.
    public mutating func read(_ body: (Piece) -> Void) throws(Failure) {
        guard let first = try nextByte() else { throw notJSON(Self.endsInside) }
        guard first == UInt8(ascii: "{") else {
            if first == UInt8(ascii: "[") { try elements { _, _ in } } else { _ = try value() }
            if try nextByte() != nil { throw notJSON(Self.trailing) }
            throw Failure(kind: .notAnObject, message: first == UInt8(ascii: "[") ? "a JSON list" : "not a JSON object")
        }
        consume(1)
        var names: Set<String> = []
        var expectsMember = false
        while true {
            guard let byte = try nextByte() else { throw notJSON(Self.endsInside) }
            if byte == UInt8(ascii: "}") && !expectsMember {
                consume(1)
                break
            }
            let nameAt = place
            guard byte == UInt8(ascii: "\""), case .string(let name) = try value() else {
                throw notJSON("expected a member name", at: nameAt)
            }
            guard names.insert(name).inserted else { throw notJSON("duplicate object key '\(name)'", at: nameAt) }
            guard try nextByte() == UInt8(ascii: ":") else { throw notJSON("expected ':' after \"\(name)\"") }
            consume(1)
            if !wholeMembers.contains(name), try nextByte() == UInt8(ascii: "[") {
                body(.list(name: name))
                try elements { index, element in body(.element(name: name, index: index, value: element)) }
            } else {
                body(.member(name: name, value: try value()))
            }
            switch try nextByte() {
            case UInt8(ascii: ","):
                consume(1)
                expectsMember = true
            case UInt8(ascii: "}"):
                expectsMember = false
            case nil: throw notJSON(Self.endsInside)
            default: throw notJSON("expected ',' or '}' after the member \"\(name)\"")
            }
        }
        if try nextByte() != nil { throw notJSON(Self.trailing) }
    }

    /// Reads a list, `[` at `start`, handing each element and its index to `body`.
    private mutating func elements(_ body: (Int, JSONValue) -> Void) throws(Failure) {
        consume(1)
        if try nextByte() == UInt8(ascii: "]") {
            consume(1)
            return
        }
        var index = 0
        while true {
            body(index, try value())
            index += 1
            switch try nextByte() {
            case UInt8(ascii: ","): consume(1)
            case UInt8(ascii: "]"):
                consume(1)
                return
            case nil: throw notJSON(Self.endsInside)
            default: throw notJSON("expected ',' or ']' after element \(index) of a list")
            }
        }
    }

    /// The value at `start` (after whitespace), parsed, and consumed.
    private mutating func value() throws(JSONObjectStream.Failure) -> JSONValue {
        guard try nextByte() != nil else { throw notJSON(Self.endsInside) }
        let length = try valueLength()
        guard length > 0 else { throw notJSON("expected a value") }
        let parsed = buffer.withUnsafeBytes { raw in
            Result { () throws(JSONParseError) in
                try JSONValue.parse(
                    UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)]),
                    options: JSONParseOptions(maxBytes: maxBytes))
            }
        }
        switch parsed {
        case .success(let value):
            consume(length)
            return value
        case .failure(let error):
            // The parser counts from the value's first byte, which is at `line` and `column` of the document.
            let place =
                "line \(line + error.line - 1), column \(error.line == 1 ? column + error.column - 1 : error.column)"
            throw Failure(kind: .notJSON, message: "\(error.message) at \(place) (byte \(base + start + error.offset))")
        }
    }

    /// How many bytes the value starting at `start` takes: a string to its closing quote, a list or an
    /// object to its closing bracket, anything else to the next delimiter (`:` too, so a member name that is
    /// not a string is read as a value and named as such). At the end of the document, all that is left (the
    /// parser then says what is wrong with it).
    private mutating func valueLength() throws(JSONObjectStream.Failure) -> Int {
        var scanned = 0
        var depth = 0
        var inString = false
        var escaped = false
        let opening = buffer[start]
        while true {
            while start + scanned < end {
                let byte = buffer[start + scanned]
                scanned += 1
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                        if depth == 0 { return scanned }
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return scanned - 1 }  // a scalar ends at its container's end
                    depth -= 1
                    if depth == 0 { return scanned }
                case UInt8(ascii: ","), UInt8(ascii: ":"), 0x20, 0x0A, 0x0D, 0x09:
                    if depth == 0 && opening != UInt8(ascii: "\"") { return scanned - 1 }
                default: break
                }
            }
            guard try fill() else { return scanned }
        }
    }

    /// The next byte after whitespace (which is consumed), not itself consumed; `nil` at the end of the document.
    private mutating func nextByte() throws(JSONObjectStream.Failure) -> UInt8? {
        while true {
            var blank = start
            while blank < end,
                buffer[blank] == 0x20 || buffer[blank] == 0x0A || buffer[blank] == 0x0D
                    || buffer[blank] == 0x09
            {
                blank += 1
            }
            consume(blank - start)
            if start < end { return buffer[start] }
            guard try fill() else { return nil }
        }
    }

    /// Steps over `count` bytes (all in the buffer), keeping the line and column of `start`.
    private mutating func consume(_ count: Int) {
        for byte in buffer[start..<(start + count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        start += count
    }

    /// Reads more of the document after `end`, first moving the unread bytes to the front (so the buffer holds no
    /// more than the value being read and a chunk); false at the end of the document.
    private mutating func fill() throws(JSONObjectStream.Failure) -> Bool {
        guard !atEnd else { return false }
        if start > 0 {
            buffer.removeSubrange(0..<start)
            base += start
            end -= start
            start = 0
        }
        if buffer.count - end < chunk { buffer.append(contentsOf: repeatElement(0, count: chunk)) }
        let wanted = min(chunk, maxBytes + 1 - (base + end))
        let count: Int
        switch source {
        case .memory(let bytes):
            count = min(wanted, bytes.count - served)
            buffer.replaceSubrange(end..<(end + count), with: bytes[served..<(served + count)])
            served += count
        case .stream(let read, let failure):
            count = buffer.withUnsafeMutableBytes {
                read(UnsafeMutableRawBufferPointer(rebasing: $0[end..<(end + wanted)]))
            }
            if count < 0 { throw Failure(kind: .unreadable, message: failure() ?? "read failed") }
        }
        if count == 0 {
            atEnd = true
            return false
        }
        end += count
        if base + end > maxBytes {
            throw Failure(kind: .tooLarge, message: "over the limit of \(maxBytes) bytes")
        }
        return true
    }

    /// The parser's words for the same faults, so the stream's errors read like every other JSON error.
    private static let endsInside = "the input ends inside a JSON value"
    private static let trailing = "trailing bytes after the JSON value"

    /// Where `start` is in the document: line, column, byte.
    private var place: (line: Int, column: Int, byte: Int) { (line, column, base + start) }

    private func notJSON(_ what: String, at place: (line: Int, column: Int, byte: Int)? = nil) -> Failure {
        let (line, column, byte) = place ?? self.place
        return Failure(kind: .notJSON, message: "\(what) at line \(line), column \(column) (byte \(byte))")
    }
}
