import JSONCore

/// One keyword of one schema object, as a keyword's compile step sees it: its value, its siblings, its
/// location, and the compiler's services (subschemas, regexes, references).
struct SchemaObjectSite {
    let compiler: Compiler
    let object: JSONObject
    let place: SchemaPlace
    /// The base URI references in this schema resolve against.
    let base: String
    /// The absolute location of the schema object, `URI#/pointer`.
    let location: String
    let dialect: Dialect
    var keyword: String
    var value: JSONValue

    /// This keyword's location, or that of a sibling `name`.
    func location(_ name: String? = nil) -> KeywordLocation {
        let keyword = name ?? self.keyword
        return KeywordLocation(
            name: keyword,
            absolute: location + "/" + ResourceRegistry.encodeFragment(JSONPointer.escape(keyword)))
    }

    /// A schema error at this keyword (or at a place below it, `tokens`).
    func invalid(_ message: String, at tokens: String...) -> SchemaError {
        var absolute = location(nil).absolute
        for token in tokens { absolute += "/" + ResourceRegistry.encodeFragment(JSONPointer.escape(token)) }
        return SchemaError(code: .invalidKeywordValue, message: "'\(keyword)' \(message)", location: absolute)
    }

    func sibling(_ name: String) -> JSONValue? { object[name] }

    /// The subschema at this keyword's value, or below it (`tokens`).
    func subschema(_ tokens: String...) throws(SchemaError) -> SchemaNode {
        var place = self.place.appending(keyword)
        for token in tokens { place = place.appending(token) }
        return try compiler.node(at: place)
    }

    /// The value as a non-empty array of subschemas (`allOf`, `anyOf`, `oneOf`, `prefixItems`).
    func subschemaArray() throws(SchemaError) -> [SchemaNode] {
        guard case .array(let elements) = value, !elements.isEmpty else {
            throw invalid("must be a non-empty array of schemas")
        }
        var nodes: [SchemaNode] = []
        for i in elements.indices { nodes.append(try subschema(String(i))) }
        return nodes
    }

    /// The value as an object whose members are subschemas (`properties`, `$defs`...).
    func subschemaMap() throws(SchemaError) -> [(name: String, node: SchemaNode)] {
        guard case .object(let members) = value else { throw invalid("must be an object of schemas") }
        var nodes: [(String, SchemaNode)] = []
        for (name, _) in members { nodes.append((name, try subschema(name))) }
        return nodes
    }

    /// The value as a non-negative integer (`1.0` counts, as JSON Schema's `integer` type says).
    func nonNegativeInteger() throws(SchemaError) -> Int {
        guard let integer = value.exactInteger, integer >= 0 else {
            throw invalid("must be a non-negative integer, not \(describe(value))")
        }
        return Int(integer)
    }

    func number() throws(SchemaError) -> JSONValue {
        guard value.isNumber else { throw invalid("must be a number, not \(describe(value))") }
        return value
    }

    func string() throws(SchemaError) -> String {
        guard case .string(let text) = value else { throw invalid("must be a string, not \(describe(value))") }
        return text
    }

    func boolean() throws(SchemaError) -> Bool {
        guard case .bool(let flag) = value else { throw invalid("must be a boolean, not \(describe(value))") }
        return flag
    }

    /// An array of unique strings (`required`, the members of `dependentRequired`).
    static func uniqueStrings(_ value: JSONValue, site: SchemaObjectSite, at tokens: [String] = [])
        throws(SchemaError) -> [String]
    {
        guard case .array(let elements) = value else {
            throw SchemaError(
                code: .invalidKeywordValue, message: "'\(site.keyword)' must be an array of unique strings",
                location: site.location().absolute + tokens.map { "/" + JSONPointer.escape($0) }.joined())
        }
        var names: [String] = []
        for element in elements {
            guard case .string(let name) = element, !names.contains(where: { sameCodePoints($0, name) }) else {
                throw SchemaError(
                    code: .invalidKeywordValue,
                    message: "'\(site.keyword)' must be an array of unique strings; \(describe(element)) is not",
                    location: site.location().absolute + tokens.map { "/" + JSONPointer.escape($0) }.joined())
            }
            names.append(name)
        }
        return names
    }

    func regex(_ pattern: String, at tokens: String...) throws(SchemaError) -> ECMARegex {
        var absolute = location(nil).absolute
        for token in tokens { absolute += "/" + ResourceRegistry.encodeFragment(JSONPointer.escape(token)) }
        return try compiler.regex(pattern, location: absolute)
    }
}

/// JSON compares strings by code points; Swift's `==` by canonical equivalence. Keys and names use this.
@inline(__always)
func sameCodePoints(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8)
}
