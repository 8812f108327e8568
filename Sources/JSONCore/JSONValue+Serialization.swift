/// Compact JSON text: no insignificant whitespace, members sorted by key (by code point) unless asked to
/// keep the written order, non-ASCII kept as UTF-8 unless `asciiOnly`.
extension JSONValue {
    public struct SerializationOptions: Sendable {
        public var sortKeys: Bool
        public var asciiOnly: Bool
        public init(sortKeys: Bool = true, asciiOnly: Bool = false) {
            self.sortKeys = sortKeys
            self.asciiOnly = asciiOnly
        }
    }

    /// Code point order, compared through UTF-8 (whose byte order is code point order), which costs far
    /// less than walking Unicode scalars.
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Whether keys are already in code point order (nothing to sort: many objects are written that way).
    static func inCodePointOrder(_ keys: [String]) -> Bool {
        var index = 1
        while index < keys.count {
            if !precedes(keys[index - 1], keys[index]) { return false }
            index += 1
        }
        return true
    }

    public func serialized(_ options: SerializationOptions = .init()) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        write(to: &bytes, options)
        return String(decoding: bytes, as: UTF8.self)
    }

    public func write(to out: inout String, _ options: SerializationOptions = .init()) {
        out += serialized(options)
    }

    /// Writes UTF-8 bytes, which costs far less per piece than appending to a `String` (session
    /// configurations are serialized for every message that keeps one).
    public func write(to out: inout [UInt8], _ options: SerializationOptions = .init()) {
        switch self {
        case .null: Self.append("null", to: &out)
        case .bool(let b): Self.append(b ? "true" : "false", to: &out)
        case .integer(let i): Self.writeInteger(i, to: &out)
        case .real(let d): out.append(contentsOf: Self.format(d).utf8)
        case .string(let s): Self.writeString(s, to: &out, asciiOnly: options.asciiOnly)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for index in a.indices {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                a[index].write(to: &out, options)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            var first = true
            func member(_ i: Int) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                Self.writeString(o.keys[i], to: &out, asciiOnly: options.asciiOnly)
                out.append(UInt8(ascii: ":"))
                o.values[i].write(to: &out, options)
            }
            if options.sortKeys && !Self.inCodePointOrder(o.keys) {
                let order = o.keys.indices.sorted { Self.precedes(o.keys[$0], o.keys[$1]) }
                for i in order { member(i) }
            } else {
                for i in o.keys.indices { member(i) }
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends a literal's bytes at once (appending a `String`'s UTF-8 view goes byte by byte).
    private static func append(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Appends an integer's decimal digits, without making a `String` of them.
    /// `value` in decimal, its digits written straight into `out` (no `String` is made): what a report or a
    /// result writes for every number.
    public static func writeInteger(_ value: Int64, to out: inout [UInt8]) {
        // One digit, the usual count or flag of a report: one byte, no buffer.
        if (0...9).contains(value) { return out.append(UInt8(ascii: "0") + UInt8(value)) }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        // The magnitude as unsigned, so that Int64.min has one too.
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for the 20 digits of 2^64
        withUnsafeMutableBytes(of: &digits) { buffer in
            var position = buffer.count
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[position...]))
        }
    }

    /// The shortest text that reads back as the same double; non-finite values, which JSON cannot carry,
    /// as `null`.
    static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        return d.description
    }

    static func writeString(_ s: String, to out: inout [UInt8], asciiOnly: Bool) {
        out.append(UInt8(ascii: "\""))
        // Nearly every string needs no escape: its bytes are scanned and copied at once, through its own
        // storage (iterating the UTF-8 view costs far more per byte).
        var text = s
        let copied = text.withUTF8 { bytes in
            var nonASCII = false
            guard StringBytes.firstSpecial(in: bytes, from: 0, sawNonASCII: &nonASCII) == bytes.count else {
                return false
            }
            // With `asciiOnly`, non-ASCII (and DEL) bytes are escaped below.
            if asciiOnly && (nonASCII || bytes.contains(0x7F)) { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied {
            out.append(UInt8(ascii: "\""))
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append(contentsOf: #"\""#.utf8)
            case "\\": out.append(contentsOf: #"\\"#.utf8)
            case "\n": out.append(contentsOf: #"\n"#.utf8)
            case "\r": out.append(contentsOf: #"\r"#.utf8)
            case "\t": out.append(contentsOf: #"\t"#.utf8)
            case "\u{08}": out.append(contentsOf: #"\b"#.utf8)
            case "\u{0C}": out.append(contentsOf: #"\f"#.utf8)
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E) {
                    if scalar.value > 0xFFFF {
                        let v = scalar.value - 0x10000
                        out.append(contentsOf: unicodeEscape(UInt16(0xD800 + (v >> 10))).utf8)
                        out.append(contentsOf: unicodeEscape(UInt16(0xDC00 + (v & 0x3FF))).utf8)
                    } else {
                        out.append(contentsOf: unicodeEscape(UInt16(scalar.value)).utf8)
                    }
                } else {
                    UTF8.encode(scalar) { out.append($0) }
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func unicodeEscape(_ unit: UInt16) -> String {
        let hex = String(unit, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { serialized() }
}
