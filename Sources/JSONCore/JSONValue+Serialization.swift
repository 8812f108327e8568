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

    public func serialized(_ options: SerializationOptions = .init()) -> String {
        var out = ""
        write(to: &out, options)
        return out
    }

    public func write(to out: inout String, _ options: SerializationOptions = .init()) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .real(let d): out += Self.format(d)
        case .string(let s): Self.writeString(s, to: &out, asciiOnly: options.asciiOnly)
        case .array(let a):
            out += "["
            for (i, element) in a.enumerated() {
                if i > 0 { out += "," }
                element.write(to: &out, options)
            }
            out += "]"
        case .object(let o):
            out += "{"
            var order = Array(o.keys.indices)
            if options.sortKeys {
                order.sort { o.keys[$0].unicodeScalars.lexicographicallyPrecedes(o.keys[$1].unicodeScalars) }
            }
            for (n, i) in order.enumerated() {
                if n > 0 { out += "," }
                Self.writeString(o.keys[i], to: &out, asciiOnly: options.asciiOnly)
                out += ":"
                o.values[i].write(to: &out, options)
            }
            out += "}"
        }
    }

    /// The shortest text that reads back as the same double; non-finite values, which JSON cannot carry,
    /// as `null`.
    static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        return d.description
    }

    static func writeString(_ s: String, to out: inout String, asciiOnly: Bool) {
        // Nearly every string needs no escape: append it whole.
        let needsEscape = s.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || (asciiOnly && $0 > 0x7E) }
        if !needsEscape {
            out += "\""
            out += s
            out += "\""
            return
        }
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E) {
                    if scalar.value > 0xFFFF {
                        let v = scalar.value - 0x10000
                        out += unicodeEscape(UInt16(0xD800 + (v >> 10)))
                        out += unicodeEscape(UInt16(0xDC00 + (v & 0x3FF)))
                    } else {
                        out += unicodeEscape(UInt16(scalar.value))
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private static func unicodeEscape(_ unit: UInt16) -> String {
        let hex = String(unit, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { serialized() }
}
