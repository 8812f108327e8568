import JSONCore

/// `type`: the instance is of one of the named JSON types (`integer` includes reals with no fraction).
struct TypeKeyword {
    /// One bit per ``JSONTypeSet`` member.
    let types: JSONTypeSet
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        var types = JSONTypeSet()
        let names: [JSONValue]
        switch site.value {
        case .string: names = [site.value]
        case .array(let elements) where !elements.isEmpty: names = elements
        default: throw site.invalid("must be a type name or a non-empty array of type names")
        }
        for name in names {
            guard case .string(let text) = name, let type = JSONTypeSet(name: text) else {
                throw site.invalid(
                    "names an unknown type \(describe(name)) (known: array, boolean, integer, null, number, object, string)")
            }
            guard !types.contains(type) else { throw site.invalid("lists \(describe(name)) twice") }
            types.formUnion(type)
        }
        return .validator(.type(TypeKeyword(types: types, location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        if types.admits(instance) { return true }
        e.fail(location, "\(describe(instance)) is not of type \(types.names.map { "'\($0)'" }.joined(separator: ", "))")
        return false
    }
}

/// A set of JSON Schema type names as bits.
struct JSONTypeSet: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = JSONTypeSet(rawValue: 1)
    static let boolean = JSONTypeSet(rawValue: 2)
    static let integer = JSONTypeSet(rawValue: 4)
    static let number = JSONTypeSet(rawValue: 8)
    static let string = JSONTypeSet(rawValue: 16)
    static let array = JSONTypeSet(rawValue: 32)
    static let object = JSONTypeSet(rawValue: 64)

    private static let named: [(String, JSONTypeSet)] = [
        ("array", .array), ("boolean", .boolean), ("integer", .integer), ("null", .null), ("number", .number),
        ("object", .object), ("string", .string),
    ]

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init?(name: String) {
        guard let entry = Self.named.first(where: { $0.0 == name }) else { return nil }
        self = entry.1
    }

    var names: [String] { Self.named.filter { contains($0.1) }.map(\.0) }

    @inline(__always)
    func admits(_ value: JSONValue) -> Bool {
        switch value {
        case .null: contains(.null)
        case .bool: contains(.boolean)
        case .integer: !isDisjoint(with: [.integer, .number])
        case .real(let d): contains(.number) || (contains(.integer) && d.rounded(.towardZero) == d && d.isFinite)
        case .string: contains(.string)
        case .array: contains(.array)
        case .object: contains(.object)
        }
    }
}
