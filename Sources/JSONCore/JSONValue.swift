/// A JSON value, owned by Swift and immutable.
///
/// Parsing goes through jansson (see ``JSONValue/parse(_:options:)``); the jansson tree is converted once
/// and released at once, so no reference count or raw `json_t*` ever escapes this module.
///
/// Integers and reals are told apart (`1` is ``integer(_:)``, `1.0` is ``real(_:)``), but they compare the
/// way JSON Schema compares numbers: `.integer(1) == .real(1.0)`. Object equality ignores key order.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// An integer written without fraction or exponent that fits in 64 bits, kept exact.
    case integer(Int64)
    /// A number written with a fraction or exponent.
    case real(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    /// The JSON type name as JSON Schema spells it (`"integer"` only for ``integer(_:)``).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .real: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public var isNull: Bool { if case .null = self { true } else { false } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }
    public var isNumber: Bool {
        switch self {
        case .integer, .real: true
        default: false
        }
    }

    /// The number as a `Double` (exact for integers up to 2^53).
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .real(let d): d
        default: nil
        }
    }

    /// The value as an exact integer: an ``integer(_:)``, or a ``real(_:)`` with no fractional part that fits
    /// in 64 bits (JSON Schema treats `1.0` as an integer).
    public var exactInteger: Int64? {
        switch self {
        case .integer(let i): return i
        case .real(let d):
            guard d.isFinite, d.rounded(.towardZero) == d, let i = Int64(exactly: d) else { return nil }
            return i
        default: return nil
        }
    }

    /// True for integers and for reals with no fractional part: JSON Schema's `"type": "integer"`.
    public var isIntegral: Bool {
        switch self {
        case .integer: true
        case .real(let d): d.isFinite && d.rounded(.towardZero) == d
        default: false
        }
    }

    /// Member lookup on an object; `nil` for anything else.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { o[key] } else { nil }
    }

    /// Element lookup on an array; `nil` when out of range or not an array.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let a) = self, a.indices.contains(index) else { return nil }
        return a[index]
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}
