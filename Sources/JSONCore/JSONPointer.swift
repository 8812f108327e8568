/// An RFC 6901 JSON Pointer: a path of reference tokens into a JSON value.
///
/// `description` is the escaped string form (`/a~1b/0`, `""` for the whole document), which is what
/// reports and JSON Schema output units carry.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible, Comparable {
    public private(set) var tokens: [String]

    public init(tokens: [String] = []) { self.tokens = tokens }

    /// The pointer to the whole document.
    public static let root = JSONPointer()

    /// Parses the string form. Throws when it does not start with `/` or holds a `~` not followed by 0 or 1.
    public init(parsing text: String) throws(JSONPointerError) {
        guard !text.isEmpty else {
            self.init()
            return
        }
        guard text.hasPrefix("/") else { throw JSONPointerError(pointer: text, reason: "does not start with '/'") }
        var tokens: [String] = []
        for raw in text.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst() {
            var bytes: [UInt8] = []
            var iterator = raw.makeIterator()
            while let byte = iterator.next() {
                if byte == UInt8(ascii: "~") {
                    switch iterator.next() {
                    case UInt8(ascii: "0"): bytes.append(UInt8(ascii: "~"))
                    case UInt8(ascii: "1"): bytes.append(UInt8(ascii: "/"))
                    default: throw JSONPointerError(pointer: text, reason: "'~' must be followed by 0 or 1")
                    }
                } else {
                    bytes.append(byte)
                }
            }
            tokens.append(String(decoding: bytes, as: UTF8.self))
        }
        self.init(tokens: tokens)
    }

    /// Escapes one reference token: `~` as `~0`, then `/` as `~1`.
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        return token.replacing("~", with: "~0").replacing("/", with: "~1")
    }

    public var description: String {
        var out = ""
        for token in tokens {
            out += "/"
            out += Self.escape(token)
        }
        return out
    }

    public var isRoot: Bool { tokens.isEmpty }

    public func appending(_ token: String) -> JSONPointer {
        var copy = self
        copy.tokens.append(token)
        return copy
    }

    public func appending(_ index: Int) -> JSONPointer { appending(String(index)) }

    public func appending(_ other: JSONPointer) -> JSONPointer {
        var copy = self
        copy.tokens += other.tokens
        return copy
    }

    /// The pointer one level up; the root's parent is the root.
    public var parent: JSONPointer {
        var copy = self
        _ = copy.tokens.popLast()
        return copy
    }

    /// Resolves the pointer in `value`; `nil` when a token names no member or element. Array indices follow
    /// RFC 6901: digits only, no leading zero, no `-`.
    public func resolve(in value: JSONValue) -> JSONValue? {
        var current = value
        for token in tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let array):
                guard let index = Self.arrayIndex(token), index < array.count else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }

    /// The array index a token names: decimal digits without a leading zero (RFC 6901), within `Int`.
    public static func arrayIndex(_ token: String) -> Int? {
        let utf8 = token.utf8
        guard let first = utf8.first, utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        if first == UInt8(ascii: "0") && utf8.count > 1 { return nil }
        return Int(token)
    }

    public static func < (lhs: JSONPointer, rhs: JSONPointer) -> Bool {
        lhs.tokens.lexicographicallyPrecedes(rhs.tokens) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

public struct JSONPointerError: Error, Sendable, CustomStringConvertible {
    public let pointer: String
    public let reason: String
    public var description: String { "invalid JSON pointer '\(pointer)': \(reason)" }
}
