import Bytes

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
    static func inCodePointOrder(_ keys: JSONObject.Keys) -> Bool {
        var index = 1
        while index < keys.count {
            if !precedes(keys[index - 1], keys[index]) { return false }
            index += 1
        }
        return true
    }

    public func serialized(_ options: SerializationOptions = .init()) -> String {
        var bytes = ByteBuffer()
        write(to: &bytes, options)
        return bytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    public func write(to out: inout String, _ options: SerializationOptions = .init()) {
        out += serialized(options)
    }

    /// Writes UTF-8 bytes, which costs far less per piece than appending to a `String`.
    public func write(to out: inout [UInt8], _ options: SerializationOptions = .init()) { write(into: &out, options) }

    /// The same into a `ByteBuffer`, whose appends cost a fraction of an array's (session configurations are
    /// serialized for every message that keeps one).
    public func write(to out: inout ByteBuffer, _ options: SerializationOptions = .init()) {
        write(into: &out, options)
    }

    /// One serializer for both outputs, specialized for each.
    func write<Sink: ByteSink & ~Copyable>(into out: inout Sink, _ options: SerializationOptions) {
        switch self {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .integer(let i): out.append(decimal: i)
        case .real(let d): out.append(utf8: Self.format(d))
        case .string(let s): Self.writeString(s, to: &out, asciiOnly: options.asciiOnly)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for index in a.indices {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                a[index].write(into: &out, options)
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
                o.values[i].write(into: &out, options)
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

    /// The shortest text that reads back as the same double; non-finite values, which JSON cannot carry,
    /// as `null`.
    static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        return d.description
    }

    static func writeString<Sink: ByteSink & ~Copyable>(_ s: String, to out: inout Sink, asciiOnly: Bool) {
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
            out.append(contentsOf: UnsafeRawBufferPointer(bytes))
            return true
        }
        if copied {
            out.append(UInt8(ascii: "\""))
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append(#"\""#)
            case "\\": out.append(#"\\"#)
            case "\n": out.append(#"\n"#)
            case "\r": out.append(#"\r"#)
            case "\t": out.append(#"\t"#)
            case "\u{08}": out.append(#"\b"#)
            case "\u{0C}": out.append(#"\f"#)
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E) {
                    if scalar.value > 0xFFFF {
                        let v = scalar.value - 0x10000
                        out.append(utf8: unicodeEscape(UInt16(0xD800 + (v >> 10))))
                        out.append(utf8: unicodeEscape(UInt16(0xDC00 + (v & 0x3FF))))
                    } else {
                        out.append(utf8: unicodeEscape(UInt16(scalar.value)))
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
