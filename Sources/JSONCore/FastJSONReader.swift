/// The fast path of `JSONValue.parse`: a strict, single-pass reader that builds `JSONValue`s straight from
/// the bytes, for the inputs that are plainly valid JSON (nearly every usage message).
///
/// It never reports an error itself. At the first irregularity of any kind (bad syntax, invalid UTF-8, a
/// control character in a string, a lone surrogate escape, a duplicate key, an integer beyond 64 bits, a
/// real that overflows, nesting beyond the limit, trailing bytes) it gives up, and jansson reads the input
/// instead and names the error with its exact position. So every error still comes from jansson, and every
/// accepted value is the one jansson would have produced: a differential test holds the two readers to that.
///
/// Why not jansson alone: its parse (building its own tree with hash tables, then converting it) costs about
/// as much as validating the message, and the validation benchmark's one-core target cannot be met through
/// it. Bounded like the rest: recursion depth is at most `maxDepth`.
struct FastJSONReader {
    /// Any irregularity: jansson decides.
    struct GiveUp: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var i = 0
    /// The document's shape (`JSONShape`), written as it is read into memory the caller provides (empty when
    /// no shape is wanted).
    private var shapeWriter: JSONShape.BufferWriter
    /// This thread's interned strings and key-digest stack (see `Scratch`).
    private let scratch: Scratch
    /// The digests of the keys of the objects open at `i`, outermost first: each object's own keys are the
    /// stack's top part, from the count it found on entering.
    private var keyDigests: [UInt64] = []
    /// The digest of the string `readString` read last.
    private var lastDigest: UInt64 = 0
    /// Where each element of the arrays one level down (members of a top-level object, elements of a
    /// top-level array) is written: its first byte's offset and the offset just past it, flat, array after
    /// array in written order, when `notesElementBounds`. A message's component list is such an array; its
    /// text is copied from here rather than serialized again (see `JSONValue.parseNotingElements`).
    private(set) var elementBounds: [Int] = []
    private let notesElementBounds: Bool

    init(
        _ bytes: UnsafeRawBufferPointer, maxDepth: Int,
        shapeBuffer: UnsafeMutableBufferPointer<UInt8> = UnsafeMutableBufferPointer(start: nil, count: 0),
        scratch: Scratch = .forThisThread(), notesElementBounds: Bool = false
    ) {
        self.bytes = bytes.bindMemory(to: UInt8.self)
        self.maxDepth = min(maxDepth, 2048)
        shapeWriter = JSONShape.BufferWriter(shapeBuffer)
        self.scratch = scratch
        self.notesElementBounds = notesElementBounds
    }

    /// The shape written, or `nil` when it did not fit (or none was wanted).
    var shape: JSONShape? { shapeWriter.fits ? JSONShape(encoded: Array(shapeWriter.written)) : nil }

    /// The document's value, or `GiveUp`.
    mutating func read() throws(GiveUp) -> JSONValue {
        keyDigests = scratch.borrowKeyDigests()
        defer { scratch.giveBack(keyDigests) }
        skipWhitespace()
        let value = try readValue(depth: 0)
        skipWhitespace()
        guard i == bytes.count else { throw GiveUp() }
        return value
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    private mutating func readValue(depth: Int) throws(GiveUp) -> JSONValue {
        guard i < bytes.count else { throw GiveUp() }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try readObject(depth: depth)
        case UInt8(ascii: "["): return try readArray(depth: depth)
        case UInt8(ascii: "\""):
            shapeWriter.tag(JSONShape.Tag.string)
            return .string(try readString())
        case UInt8(ascii: "t"):
            try expectWord("true")
            shapeWriter.tag(JSONShape.Tag.boolean)
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectWord("false")
            shapeWriter.tag(JSONShape.Tag.boolean)
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectWord("null")
            shapeWriter.tag(JSONShape.Tag.null)
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let number = try readNumber()
            shapeWriter.tag(JSONShape.tag(ofNumber: number))
            return number
        default: throw GiveUp()
        }
    }

    private mutating func expectWord(_ word: StaticString) throws(GiveUp) {
        let count = word.utf8CodeUnitCount
        guard i + count <= bytes.count else { throw GiveUp() }
        let expected = word.utf8Start
        for k in 0..<count where bytes[i + k] != expected[k] { throw GiveUp() }
        i += count
    }

    private mutating func readObject(depth: Int) throws(GiveUp) -> JSONValue {
        guard depth < maxDepth else { throw GiveUp() }
        i += 1
        shapeWriter.tag(JSONShape.Tag.object)
        var members: [JSONObject.Member] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            shapeWriter.tag(JSONShape.Tag.end)
            return .object(JSONObject(uniqueMembers: members))
        }
        // Room for a usual usage object's members at once, rather than a reallocation at every doubling: a
        // message has up to a dozen members, the objects in it (a component's) a few.
        let room = depth == 0 ? 12 : 4
        members.reserveCapacity(room)
        var seen: Set<String>?
        let ownDigests = keyDigests.count
        // `removeLast`, not `removeSubrange`: the generic range replacement cost about 80 instructions an object.
        defer { keyDigests.removeLast(keyDigests.count - ownDigests) }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw GiveUp() }
            let keyStart = i + 1
            let key = try readString()
            if shapeWriter.buffer.count > 0 {
                // Every escape is longer than what it stands for: a key as long as its raw bytes has none.
                if key.utf8.count == i - 1 - keyStart {
                    shapeWriter.key(UnsafeBufferPointer(rebasing: bytes[keyStart..<(i - 1)]))
                } else {
                    var key = key
                    key.withUTF8 { shapeWriter.key($0) }
                }
            }
            // Duplicate keys: by digest, then bytes, for small objects; a set once they grow.
            if seen != nil {
                guard seen!.insert(key).inserted else { throw GiveUp() }
            } else {
                var position = ownDigests
                while position < keyDigests.count {
                    if keyDigests[position] == lastDigest,
                        JSONValue.sameCodePoints(members[position - ownDigests].key, key)
                    {
                        throw GiveUp()
                    }
                    position += 1
                }
                if members.count >= 16 {
                    seen = Set(members.map(\.key) + [key])
                } else {
                    keyDigests.append(lastDigest)
                }
            }
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw GiveUp() }
            i += 1
            skipWhitespace()
            members.append(JSONObject.Member(key: key, value: try readValue(depth: depth + 1)))
            skipWhitespace()
            guard i < bytes.count else { throw GiveUp() }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "}") else { throw GiveUp() }
            i += 1
            shapeWriter.tag(JSONShape.Tag.end)
            return .object(JSONObject(uniqueMembers: members))
        }
    }

    private mutating func readArray(depth: Int) throws(GiveUp) -> JSONValue {
        guard depth < maxDepth else { throw GiveUp() }
        i += 1
        shapeWriter.tag(JSONShape.Tag.array)
        var elements: [JSONValue] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            shapeWriter.tag(JSONShape.Tag.end)
            return .array(elements)
        }
        elements.reserveCapacity(4)
        let notesBounds = notesElementBounds && depth == 1
        if notesBounds && elementBounds.capacity == 0 { elementBounds.reserveCapacity(32) }
        while true {
            skipWhitespace()
            let start = i
            elements.append(try readValue(depth: depth + 1))
            if notesBounds {
                elementBounds.append(start)
                elementBounds.append(i)
            }
            skipWhitespace()
            guard i < bytes.count else { throw GiveUp() }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "]") else { throw GiveUp() }
            i += 1
            shapeWriter.tag(JSONShape.Tag.end)
            return .array(elements)
        }
    }

    /// A string token, `i` at its opening quote, its digest left in `lastDigest`. Escape-free strings (the
    /// usual case) come from this thread's interned strings, or are copied once.
    private mutating func readString() throws(GiveUp) -> String {
        i += 1
        let start = i
        var nonASCII = false
        i = StringBytes.firstSpecial(in: bytes, from: i, sawNonASCII: &nonASCII)
        guard i < bytes.count else { throw GiveUp() }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<i])
            i += 1
            if nonASCII { guard Self.isValidUTF8(raw) else { throw GiveUp() } }
            lastDigest = Scratch.digest(raw)
            return scratch.string(raw, digest: lastDigest)
        case UInt8(ascii: "\\"):
            return try readEscapedString(from: start)
        default:
            throw GiveUp()  // a control character
        }
    }

    private mutating func readEscapedString(from start: Int) throws(GiveUp) -> String {
        var out: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<i]))
        var ascii = out.allSatisfy { $0 < 0x80 }
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "\""):
                i += 1
                if !ascii { guard out.withUnsafeBufferPointer(Self.isValidUTF8) else { throw GiveUp() } }
                lastDigest = out.withUnsafeBufferPointer(Scratch.digest)
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard i + 1 < bytes.count else { throw GiveUp() }
                let escape = bytes[i + 1]
                i += 2
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try readHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                            throw GiveUp()
                        }
                        i += 2
                        let low = try readHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw GiveUp() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw GiveUp()
                    }
                    // Surrogates are paired or rejected above, so the value is a scalar.
                    guard let scalar = Unicode.Scalar(scalar) else { throw GiveUp() }
                    UTF8.encode(scalar) { out.append($0) }
                default: throw GiveUp()
                }
            default:
                if byte < 0x20 { throw GiveUp() }
                if byte >= 0x80 { ascii = false }
                out.append(byte)
                i += 1
            }
        }
        throw GiveUp()
    }

    private mutating func readHex4() throws(GiveUp) -> UInt32 {
        guard i + 4 <= bytes.count, let value = HexDigits.value(of: bytes[i..<(i + 4)]) else { throw GiveUp() }
        i += 4
        return value
    }

    /// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF), as jansson requires.
    static func isValidUTF8(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        JSONByteScanner.firstInvalidUTF8(in: UnsafeRawBufferPointer(raw)) == nil
    }

    /// A number token (`NumberToken`); its overflow, either way, hands over to jansson, which reports it.
    private mutating func readNumber() throws(GiveUp) -> JSONValue {
        guard let (value, end) = NumberToken.read(bytes, at: i) else { throw GiveUp() }
        i = end
        switch value {
        case .integer(let integer): return .integer(integer)
        case .real(let real): return .real(real)
        }
    }
}
