import JSONCore

/// Why a Python literal could not be read, and where (0-based byte offset into the literal).
public struct PythonLiteralError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }
    public var description: String { "\(message) (at character \(offset + 1) of the logged message)" }
}

/// Reads the Python literal that `parsl.log` holds for each usage message (`repr` of a dict) into the JSON
/// value `json.dumps` would have sent: single- or double-quoted strings with their escapes, `True`/`False`/
/// `None`, integers, floats including `nan`/`inf`/`-inf` (kept as non-finite reals, for the rules to flag),
/// dicts, lists, tuples and sets (as arrays). Dict keys that are numbers, booleans or `None` become strings,
/// as `json.dumps` makes them. Nesting is bounded; nothing is evaluated.
public enum PythonLiteral {
    public static let maxDepth = 512

    public static func parse(_ text: String) throws(PythonLiteralError) -> JSONValue {
        var parser = Parser(bytes: Array(text.utf8))
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.atEnd else { throw parser.error("unexpected text after the message") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        var atEnd: Bool { i >= bytes.count }
        var current: UInt8? { i < bytes.count ? bytes[i] : nil }

        func error(_ message: String, at offset: Int? = nil) -> PythonLiteralError {
            PythonLiteralError(message: message, offset: offset ?? i)
        }

        mutating func skipSpace() {
            while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 }
        }

        mutating func expect(_ byte: UInt8) throws(PythonLiteralError) {
            skipSpace()
            guard current == byte else {
                throw error(atEnd ? "the message ends early: expected '\(Character(Unicode.Scalar(byte)))'"
                    : "expected '\(Character(Unicode.Scalar(byte)))'")
            }
            i += 1
        }

        mutating func value(depth: Int) throws(PythonLiteralError) -> JSONValue {
            skipSpace()
            guard let c = current else { throw error("the message ends early: expected a value") }
            switch c {
            case UInt8(ascii: "{"):
                return try dictOrSet(depth: depth + 1)
            case UInt8(ascii: "["):
                return .array(try sequence(closing: UInt8(ascii: "]"), depth: depth + 1))
            case UInt8(ascii: "("):
                return .array(try sequence(closing: UInt8(ascii: ")"), depth: depth + 1))
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "u"), UInt8(ascii: "U"),
                UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "r"), UInt8(ascii: "R"):
                if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") || next(isQuoteAfterPrefix: true) {
                    return .string(try strings())
                }
                return try word()
            default:
                if c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: ".") {
                    return try number()
                }
                return try word()
            }
        }

        func next(isQuoteAfterPrefix: Bool) -> Bool {
            var k = i
            while k < bytes.count, k < i + 2, "uUbBrR".utf8.contains(bytes[k]) { k += 1 }
            return k < bytes.count && (bytes[k] == UInt8(ascii: "'") || bytes[k] == UInt8(ascii: "\""))
        }

        mutating func guardDepth(_ depth: Int) throws(PythonLiteralError) {
            guard depth <= PythonLiteral.maxDepth else {
                throw error("nesting deeper than \(PythonLiteral.maxDepth) levels")
            }
        }

        mutating func sequence(closing: UInt8, depth: Int) throws(PythonLiteralError) -> [JSONValue] {
            try guardDepth(depth)
            i += 1
            var elements: [JSONValue] = []
            skipSpace()
            if current == closing {
                i += 1
                return elements
            }
            while true {
                elements.append(try value(depth: depth))
                skipSpace()
                guard let c = current else { throw error("the message ends early: expected ',' or a closing bracket") }
                i += 1
                if c == closing { return elements }
                guard c == UInt8(ascii: ",") else { throw error("expected ',' or a closing bracket", at: i - 1) }
                skipSpace()
                if current == closing {  // trailing comma, as in a one-element tuple `(x,)`
                    i += 1
                    return elements
                }
            }
        }

        mutating func dictOrSet(depth: Int) throws(PythonLiteralError) -> JSONValue {
            try guardDepth(depth)
            let open = i
            i += 1
            skipSpace()
            if current == UInt8(ascii: "}") {
                i += 1
                return .object(JSONObject())
            }
            var object = JSONObject()
            var setElements: [JSONValue] = []
            var isSet = false
            while true {
                let keyStart = i
                let key = try value(depth: depth)
                skipSpace()
                if object.isEmpty && setElements.isEmpty && (current == UInt8(ascii: ",") || current == UInt8(ascii: "}")) {
                    isSet = true
                }
                if isSet {
                    setElements.append(key)
                } else {
                    try expect(UInt8(ascii: ":"))
                    let member = try value(depth: depth)
                    let name = try keyString(key, at: keyStart)
                    guard object[name] == nil else {
                        throw error("the key '\(name)' appears twice: json.dumps would send it twice", at: keyStart)
                    }
                    object[name] = member
                }
                skipSpace()
                guard let c = current else { throw error("the message ends early: the dict opened at \(open + 1) is not closed") }
                i += 1
                if c == UInt8(ascii: "}") { break }
                guard c == UInt8(ascii: ",") else { throw error("expected ',' or '}'", at: i - 1) }
                skipSpace()
                if current == UInt8(ascii: "}") {
                    i += 1
                    break
                }
            }
            return isSet ? .array(setElements) : .object(object)
        }

        /// The JSON key `json.dumps` writes for a dict key.
        func keyString(_ key: JSONValue, at offset: Int) throws(PythonLiteralError) -> String {
            switch key {
            case .string(let s): return s
            case .integer(let n): return String(n)
            case .real(let d): return PythonLiteral.floatRepr(d)
            case .bool(let b): return b ? "true" : "false"
            case .null: return "null"
            default: throw error("a dict key that is a \(key.typeName) cannot be sent as JSON", at: offset)
            }
        }

        mutating func word() throws(PythonLiteralError) -> JSONValue {
            let start = i
            while let c = current, (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_") || (c >= 0x30 && c <= 0x39) {
                i += 1
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            switch text {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .null
            case "nan": return .real(.nan)
            case "inf": return .real(.infinity)
            case "": throw error("unexpected character '\(String(decoding: bytes[start..<min(start + 1, bytes.count)], as: UTF8.self))'", at: start)
            default: throw error("'\(text)' is not a Python literal (only values, never code, are read)", at: start)
            }
        }

        mutating func number() throws(PythonLiteralError) -> JSONValue {
            let start = i
            var negative = false
            if current == UInt8(ascii: "-") || current == UInt8(ascii: "+") {
                negative = current == UInt8(ascii: "-")
                i += 1
            }
            if let c = current, c == UInt8(ascii: "i") || c == UInt8(ascii: "n") {
                let word = try self.word()
                guard case .real(let d) = word else { throw error("expected a number", at: start) }
                return .real(negative ? -d : d)
            }
            var isReal = false
            while let c = current {
                if c >= 0x30 && c <= 0x39 || c == UInt8(ascii: "_") {
                    i += 1
                } else if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                    isReal = true
                    i += 1
                    if (c == UInt8(ascii: "e") || c == UInt8(ascii: "E")),
                        current == UInt8(ascii: "-") || current == UInt8(ascii: "+")
                    {
                        i += 1
                    }
                } else {
                    break
                }
            }
            let text = String(decoding: bytes[start..<i].filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
            if isReal {
                guard let d = Double(text) else { throw error("'\(text)' is not a number", at: start) }
                return .real(d)
            }
            guard let n = Int64(text) else {
                let digits = text.count > 30 ? String(text.prefix(30)) + "..." : text
                let valid = text.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy(\.isNumber) && text.count > 1
                throw error(valid ? "integer \(digits) does not fit in 64 bits" : "'\(digits)' is not a number", at: start)
            }
            return .integer(n)
        }

        /// One string literal, or several adjacent ones (Python concatenates them).
        mutating func strings() throws(PythonLiteralError) -> String {
            var result = try string()
            while true {
                let save = i
                skipSpace()
                if let c = current, c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") || (("uUrR".utf8.contains(c)) && next(isQuoteAfterPrefix: true)) {
                    result += try string()
                } else {
                    i = save
                    return result
                }
            }
        }

        mutating func string() throws(PythonLiteralError) -> String {
            let start = i
            var raw = false
            while let c = current, c != UInt8(ascii: "'"), c != UInt8(ascii: "\"") {
                if c == UInt8(ascii: "b") || c == UInt8(ascii: "B") {
                    throw error("a bytes literal cannot be sent as JSON", at: start)
                }
                if c == UInt8(ascii: "r") || c == UInt8(ascii: "R") { raw = true }
                i += 1
            }
            guard let quote = current else { throw error("expected a string", at: start) }
            var triple = false
            if i + 2 < bytes.count, bytes[i + 1] == quote, bytes[i + 2] == quote {
                triple = true
                i += 3
            } else {
                i += 1
            }
            var out: [UInt8] = []
            var scalars = String.UnicodeScalarView()
            func flush() {
                if !out.isEmpty {
                    scalars.append(contentsOf: String(decoding: out, as: UTF8.self).unicodeScalars)
                    out.removeAll(keepingCapacity: true)
                }
            }
            while true {
                guard let c = current else { throw error("the message ends inside a string", at: start) }
                if c == quote {
                    if !triple {
                        i += 1
                        break
                    }
                    if i + 2 < bytes.count, bytes[i + 1] == quote, bytes[i + 2] == quote {
                        i += 3
                        break
                    }
                }
                if c == 0x0A && !triple { throw error("a string is not closed on its line", at: start) }
                if c == UInt8(ascii: "\\") && !raw {
                    i += 1
                    guard let e = current else { throw error("the message ends inside an escape", at: i - 1) }
                    i += 1
                    switch e {
                    case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(e)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "a"): out.append(0x07)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "v"): out.append(0x0B)
                    case 0x0A: break  // line continuation
                    case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                        let width = e == UInt8(ascii: "x") ? 2 : (e == UInt8(ascii: "u") ? 4 : 8)
                        let value = try hex(width)
                        guard let scalar = Unicode.Scalar(value) else {
                            // A lone surrogate (Python allows it in str); JSON would carry it as an escape.
                            throw error("escape for U+\(String(value, radix: 16, uppercase: true)), a lone surrogate, cannot be kept", at: i - width - 2)
                        }
                        flush()
                        scalars.append(scalar)
                    case UInt8(ascii: "0")...UInt8(ascii: "7"):
                        var value = UInt32(e - 0x30)
                        var count = 1
                        while count < 3, let d = current, d >= 0x30 && d <= 0x37 {
                            value = value * 8 + UInt32(d - 0x30)
                            i += 1
                            count += 1
                        }
                        flush()
                        scalars.append(Unicode.Scalar(value)!)
                    case UInt8(ascii: "N"):
                        throw error("named escapes (\\N{...}) are not supported", at: i - 2)
                    default:
                        out.append(UInt8(ascii: "\\"))
                        out.append(e)
                    }
                } else {
                    out.append(c)
                    i += 1
                }
            }
            flush()
            return String(scalars)
        }

        mutating func hex(_ width: Int) throws(PythonLiteralError) -> UInt32 {
            guard i + width <= bytes.count else { throw error("the message ends inside an escape") }
            guard let value = HexDigits.value(of: bytes[i..<(i + width)]) else {
                throw error("bad hexadecimal digit in an escape")
            }
            i += width
            return value
        }
    }

    /// Python's `repr` of a float, as `json.dumps` uses it for float dict keys.
    static func floatRepr(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        return d.description
    }
}
