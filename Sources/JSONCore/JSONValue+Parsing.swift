import Bytes
import CJansson

extension JSONValue {
    /// Parses one JSON document (any top-level value).
    ///
    /// Plainly valid input is read by a fast single-pass reader (`FastJSONReader`); anything else goes to
    /// jansson, which accepts or names the error, so the result is always jansson's verdict.
    ///
    /// Rejected, each with its own ``JSONParseError/Code`` and exact position: duplicate keys, `NaN` and
    /// `Infinity`, invalid UTF-8, trailing bytes, integers beyond 64 bits, nesting beyond
    /// ``JSONParseOptions/maxDepth`` and inputs beyond ``JSONParseOptions/maxBytes``. Accepted and kept
    /// whole: `\u0000` in strings and in object keys.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, options: JSONParseOptions = .default
    ) throws(JSONParseError) -> JSONValue {
        guard bytes.count <= options.maxBytes else {
            throw makeError(
                .sizeLimit, "input of \(bytes.count) bytes exceeds the limit of \(options.maxBytes) bytes",
                at: options.maxBytes, in: bytes)
        }
        var fast = FastJSONReader(bytes, maxDepth: options.maxDepth)
        if let value = try? fast.read() { return value }
        return try parseWithJansson(bytes, options: options)
    }

    /// Parses like `parse(_:options:)`, and gives the document's shape too, when its encoding fits in
    /// `shapeLimit` bytes: the fast reader writes it as it reads; a document it hands to jansson gets its
    /// shape from a walk of the value.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, options: JSONParseOptions = .default, shapeLimit: Int
    ) throws(JSONParseError) -> (value: JSONValue, shape: JSONShape?) {
        let parsed = try parse(bytes, options: options, shapeLimit: shapeLimit, notesElements: false)
        return (parsed.value, parsed.shape)
    }

    /// Parses like `parse(_:options:shapeLimit:)`, and says where the elements of the arrays one level down
    /// (the members of a top-level object, the elements of a top-level array) are written: each element's
    /// first byte and the byte just past it, as offsets into `bytes`, flat (`[start, end, start, end...]`),
    /// array after array in written order. So a caller can copy an element's text instead of serializing
    /// its value again. `nil` when the fast reader did not read the document (it notes them as it reads):
    /// jansson did, or the shape limit is out of range.
    public static func parseNotingElements(
        _ bytes: UnsafeRawBufferPointer, options: JSONParseOptions = .default, shapeLimit: Int
    ) throws(JSONParseError) -> (value: JSONValue, shape: JSONShape?, elementBounds: [Int]?) {
        try parse(bytes, options: options, shapeLimit: shapeLimit, notesElements: true)
    }

    private static func parse(
        _ bytes: UnsafeRawBufferPointer, options: JSONParseOptions, shapeLimit: Int, notesElements: Bool
    ) throws(JSONParseError) -> (value: JSONValue, shape: JSONShape?, elementBounds: [Int]?) {
        guard bytes.count <= options.maxBytes, shapeLimit > 0, shapeLimit <= 1 << 16 else {
            return (try parse(bytes, options: options), nil, nil)
        }
        // The shape is written on the stack: this runs for every message.
        let fast = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: shapeLimit) {
            buffer -> (value: JSONValue, shape: JSONShape?, elementBounds: [Int]?)? in
            var reader = FastJSONReader(
                bytes, maxDepth: options.maxDepth, shapeBuffer: buffer, notesElementBounds: notesElements)
            guard let value = try? reader.read() else { return nil }
            return (value, reader.shape, notesElements ? reader.elementBounds : nil)
        }
        if let fast { return fast }
        let value = try parseWithJansson(bytes, options: options)
        return (value, JSONShape(of: value, limit: shapeLimit), nil)
    }

    /// The reference reader: jansson, with every error named and placed. `parse` uses it for whatever its
    /// fast path does not accept; tests hold the two to the same values.
    static func parseWithJansson(
        _ bytes: UnsafeRawBufferPointer, options: JSONParseOptions = .default
    ) throws(JSONParseError) -> JSONValue {
        guard bytes.count <= options.maxBytes else {
            throw makeError(
                .sizeLimit, "input of \(bytes.count) bytes exceeds the limit of \(options.maxBytes) bytes",
                at: options.maxBytes, in: bytes)
        }
        switch JanssonDocument.load(bytes) {
        case .success(let document):
            return try convert(document, bytes: bytes, options: options, nulKeySentinel: nil)
        case .failure(let failure):
            if failure.code == json_error_null_byte_in_key {
                return try parseWithNulKeys(bytes, options: options, original: failure)
            }
            throw describe(failure, in: bytes, options: options)
        }
    }

    public static func parse(_ bytes: [UInt8], options: JSONParseOptions = .default) throws(JSONParseError)
        -> JSONValue
    {
        var result: Result<JSONValue, JSONParseError>!
        bytes.withUnsafeBytes { raw in
            result = Result { () throws(JSONParseError) in try parse(raw, options: options) }
        }
        return try result.get()
    }

    public static func parse(_ text: String, options: JSONParseOptions = .default) throws(JSONParseError)
        -> JSONValue
    {
        var text = text
        var result: Result<JSONValue, JSONParseError>!
        text.withUTF8 { utf8 in
            result = Result { () throws(JSONParseError) in try parse(UnsafeRawBufferPointer(utf8), options: options) }
        }
        return try result.get()
    }

    // MARK: Conversion from jansson

    private struct DepthExceeded: Error {}

    private static func convert(
        _ document: JanssonDocument, bytes: UnsafeRawBufferPointer, options: JSONParseOptions,
        nulKeySentinel: Unicode.Scalar?
    ) throws(JSONParseError) -> JSONValue {
        do {
            return try convert(document.root, depth: 0, limit: options.maxDepth, sentinel: nulKeySentinel)
        } catch {
            throw depthError(in: bytes, limit: options.maxDepth)
        }
    }

    private static func convert(
        _ node: UnsafeMutablePointer<json_t>, depth: Int, limit: Int, sentinel: Unicode.Scalar?
    ) throws(DepthExceeded) -> JSONValue {
        switch node.pointee.type {
        case JSON_OBJECT:
            guard depth < limit else { throw DepthExceeded() }
            let count = json_object_size(node)
            var members: [JSONObject.Member] = []
            members.reserveCapacity(count)
            var iterator = json_object_iter(node)
            while let current = iterator {
                let keyBytes = UnsafeRawBufferPointer(
                    start: json_object_iter_key(current), count: json_object_iter_key_len(current))
                var key = String(decoding: keyBytes, as: UTF8.self)
                if let sentinel { key = restoringNul(in: key, sentinel: sentinel) }
                let value = try convert(
                    json_object_iter_value(current), depth: depth + 1, limit: limit, sentinel: sentinel)
                members.append(JSONObject.Member(key: key, value: value))
                iterator = json_object_iter_next(node, current)
            }
            return .object(JSONObject(uniqueMembers: members))
        case JSON_ARRAY:
            guard depth < limit else { throw DepthExceeded() }
            let count = json_array_size(node)
            var elements: [JSONValue] = []
            elements.reserveCapacity(count)
            for i in 0..<count {
                elements.append(try convert(json_array_get(node, i), depth: depth + 1, limit: limit, sentinel: sentinel))
            }
            return .array(elements)
        case JSON_STRING:
            let raw = UnsafeRawBufferPointer(start: json_string_value(node), count: json_string_length(node))
            return .string(String(decoding: raw, as: UTF8.self))
        case JSON_INTEGER:
            return .integer(Int64(json_integer_value(node)))
        case JSON_REAL:
            return .real(json_real_value(node))
        case JSON_TRUE:
            return .bool(true)
        case JSON_FALSE:
            return .bool(false)
        default:
            return .null
        }
    }

    // MARK: `\u0000` in object keys

    /// jansson refuses `\u0000` inside object keys (strings are fine with `JSON_ALLOW_NUL`). JSON allows it,
    /// so on that refusal the input is re-read with each such escape inside a key replaced by the escape of
    /// a noncharacter the document does not use. Both escapes are six bytes, so every offset stays true; the
    /// converted keys get their NULs back.
    private static func parseWithNulKeys(
        _ bytes: UnsafeRawBufferPointer, options: JSONParseOptions, original: JanssonLoadError
    ) throws(JSONParseError) -> JSONValue {
        guard let sentinel = JSONByteScanner.unusedNoncharacter(in: bytes) else {
            throw describe(original, in: bytes, options: options)
        }
        let rewritten = JSONByteScanner.replacingNulEscapesInKeys(bytes, with: sentinel)
        var outcome: Result<JSONValue, JSONParseError>!
        rewritten.withUnsafeBytes { raw in
            switch JanssonDocument.load(raw) {
            case .success(let document):
                outcome = Result { () throws(JSONParseError) in
                    try convert(document, bytes: raw, options: options, nulKeySentinel: Unicode.Scalar(sentinel)!)
                }
            case .failure(let failure):
                var error = describe(failure, in: raw, options: options)
                if let key = error.key {
                    let restored = restoringNul(in: key, sentinel: Unicode.Scalar(sentinel)!)
                    error = JSONParseError(
                        code: error.code, message: error.message.replacing(key, with: restored), offset: error.offset,
                        line: error.line, column: error.column, key: restored)
                }
                outcome = .failure(error)
            }
        }
        return try outcome.get()
    }

    private static func restoringNul(in key: String, sentinel: Unicode.Scalar) -> String {
        guard key.unicodeScalars.contains(sentinel) else { return key }
        var scalars = String.UnicodeScalarView()
        for scalar in key.unicodeScalars { scalars.append(scalar == sentinel ? "\u{0}" : scalar) }
        return String(scalars)
    }

    // MARK: Errors

    static func makeError(
        _ code: JSONParseError.Code, _ message: String, at offset: Int, in bytes: UnsafeRawBufferPointer,
        key: String? = nil
    ) -> JSONParseError {
        let clamped = max(0, min(offset, bytes.count))
        let (line, column) = JSONByteScanner.lineAndColumn(of: clamped, in: bytes)
        return JSONParseError(code: code, message: message, offset: clamped, line: line, column: column, key: key)
    }

    private static func depthError(in bytes: UnsafeRawBufferPointer, limit: Int) -> JSONParseError {
        let offset = JSONByteScanner.offsetExceedingDepth(limit, in: bytes) ?? 0
        return makeError(.depthLimit, "nesting deeper than \(limit) levels", at: offset, in: bytes)
    }

    /// Turns jansson's report into a precise error: the kind named, the offset pointing at the culprit.
    private static func describe(
        _ failure: JanssonLoadError, in bytes: UnsafeRawBufferPointer, options: JSONParseOptions
    ) -> JSONParseError {
        let position = failure.position
        switch failure.code {
        case json_error_stack_overflow:
            return depthError(in: bytes, limit: min(options.maxDepth, 2048))
        case json_error_invalid_utf8:
            let offset = JSONByteScanner.firstInvalidUTF8(in: bytes) ?? position
            let byte = offset < bytes.count ? bytes[offset] : 0
            return makeError(.invalidUTF8, "invalid UTF-8 (byte 0x\(hex(byte)))", at: offset, in: bytes)
        case json_error_end_of_input_expected:
            let offset = JSONByteScanner.trailingBytesOffset(in: bytes)
            return makeError(.trailingBytes, "trailing bytes after the JSON value", at: offset, in: bytes)
        case json_error_premature_end_of_input:
            return makeError(.truncated, "the input ends inside a JSON value", at: bytes.count, in: bytes)
        case json_error_duplicate_key:
            let start = JSONByteScanner.stringStart(endingBefore: position, in: bytes)
            let key = JSONByteScanner.decodeStringToken(bytes, from: start, to: position)
            let shown = key.map { "'\($0)'" } ?? "a key"
            return makeError(.duplicateKey, "duplicate object key \(shown)", at: start, in: bytes, key: key)
        case json_error_numeric_overflow:
            let start = JSONByteScanner.numberStart(endingBefore: position, in: bytes)
            let digits = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<min(position, bytes.count)]), as: UTF8.self)
            let shown = digits.count > 40 ? String(digits.prefix(40)) + "..." : digits
            let isInteger = !digits.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
            return makeError(
                isInteger ? .integerOverflow : .syntax,
                isInteger
                    ? "integer \(shown) does not fit in 64 bits (rejected rather than rounded)"
                    : "number \(shown) is out of the range of a double",
                at: start, in: bytes)
        case json_error_invalid_syntax:
            if let token = JSONByteScanner.firstNonFiniteToken(in: bytes, notAfter: position) {
                return makeError(
                    .nonFiniteNumber, "\(token.name) is not a JSON number (Python's json.dumps writes it, JSON forbids it)",
                    at: token.offset, in: bytes)
            }
            let offset =
                failure.text.hasPrefix("invalid token")
                ? JSONByteScanner.numberStart(endingBefore: position, in: bytes)  // the token's first byte
                : syntaxOffset(position, in: bytes)
            return makeError(.syntax, jansssonMessage(failure.text), at: offset, in: bytes)
        default:
            return makeError(
                failure.code == json_error_invalid_format ? .syntax : .other, jansssonMessage(failure.text),
                at: syntaxOffset(position, in: bytes), in: bytes)
        }
    }

    /// jansson reports the position after the token it could not use; point at that token's first byte.
    private static func syntaxOffset(_ position: Int, in bytes: UnsafeRawBufferPointer) -> Int {
        guard position > 0 else { return 0 }
        return min(position - 1, max(bytes.count - 1, 0))
    }

    private static func jansssonMessage(_ text: String) -> String {
        text.isEmpty ? "invalid JSON" : text
    }

    private static func hex(_ byte: UInt8) -> String { LowerHex.string(CollectionOfOne(byte)) }
}
