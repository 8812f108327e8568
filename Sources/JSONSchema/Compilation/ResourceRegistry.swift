import JSONCore

/// A place in a loaded document: which document, and the JSON Pointer to the schema inside it.
struct SchemaPlace: Hashable {
    let document: Int
    let pointer: JSONPointer
}

/// The resource a schema sits in: its base URI (no fragment) and the pointer of the resource's root.
struct ResourceScope {
    let base: String
    let rootPointer: JSONPointer
}

/// Every document the compilation has loaded, indexed by the identifiers they declare.
///
/// A document is indexed when it is loaded: each subschema reachable through a known applicator keyword is
/// visited, `$id` opens a new resource, `$anchor` and `$dynamicAnchor` name places. Values under unknown
/// keywords are not visited (an `$id` there identifies nothing), though a JSON Pointer may still reach them.
final class ResourceRegistry {
    private(set) var documents: [JSONValue] = []
    private var documentURIs: [String: Int] = [:]
    private var resources: [String: SchemaPlace] = [:]
    private var anchors: [String: SchemaPlace] = [:]
    private(set) var dynamicAnchors: [String: [String: SchemaPlace]] = [:]
    private var scopes: [SchemaPlace: ResourceScope] = [:]
    private let resourceMap: ResourceMap
    private let builtIn: [String: JSONValue]

    /// Keywords whose value is one subschema.
    static let schemaKeywords: Set<String> = [
        "additionalProperties", "propertyNames", "not", "if", "then", "else", "contains", "items",
        "unevaluatedItems", "unevaluatedProperties", "contentSchema",
    ]
    /// Keywords whose value is an array of subschemas.
    static let schemaArrayKeywords: Set<String> = ["allOf", "anyOf", "oneOf", "prefixItems"]
    /// Keywords whose value is an object of subschemas.
    static let schemaMapKeywords: Set<String> = [
        "$defs", "properties", "patternProperties", "dependentSchemas", "definitions", "dependencies",
    ]

    /// Documents come from `resources` (the user's mappings) first, then the embedded meta-schemas, then
    /// `builtIn` (custom vocabularies' meta-schemas).
    init(resources: ResourceMap, builtIn: [String: JSONValue]) {
        self.resourceMap = resources
        self.builtIn = builtIn
    }

    private func retrieve(_ uri: String) throws(SchemaError) -> JSONValue? {
        if let document = try resourceMap.document(for: uri) { return document }
        return EmbeddedMetaSchemas.document(for: uri) ?? builtIn[uri]
    }

    /// Adds a document retrieved from `uri` (no fragment) and indexes it; returns its number.
    @discardableResult
    func add(_ document: JSONValue, retrievedFrom uri: String) throws(SchemaError) -> Int {
        if let existing = documentURIs[uri] { return existing }
        let number = documents.count
        documents.append(document)
        documentURIs[uri] = number
        let place = SchemaPlace(document: number, pointer: .root)
        try register(resource: uri, at: place)
        try index(document, at: place, scope: ResourceScope(base: uri, rootPointer: .root))
        return number
    }

    func value(at place: SchemaPlace) -> JSONValue? {
        place.pointer.resolve(in: documents[place.document])
    }

    /// The resource `place` belongs to. Places not reached by indexing (inside an unknown keyword) belong to
    /// the resource of their nearest indexed ancestor.
    func scope(of place: SchemaPlace) -> ResourceScope {
        var pointer = place.pointer
        while true {
            if let scope = scopes[SchemaPlace(document: place.document, pointer: pointer)] { return scope }
            if pointer.isRoot { break }
            pointer = pointer.parent
        }
        return ResourceScope(base: "", rootPointer: .root)
    }

    /// `URI#/pointer` of `place`, relative to the root of its resource.
    func absoluteLocation(of place: SchemaPlace) -> String {
        let scope = scope(of: place)
        let relative = JSONPointer(tokens: Array(place.pointer.tokens.dropFirst(scope.rootPointer.tokens.count)))
        return scope.base + "#" + Self.encodeFragment(relative.description)
    }

    /// Resolves a reference written in a schema whose base URI is `base`. Loads the target document through
    /// the provider when it is not loaded yet. `nil` when nothing matches.
    func resolve(_ reference: String, against base: String) throws(SchemaError) -> SchemaPlace? {
        let target = URIReference(reference).resolved(against: URIReference(base))
        let resource = target.withoutFragment.description
        guard let root = try place(ofResource: resource) else { return nil }
        let fragment = target.fragment ?? ""
        if fragment.isEmpty { return root }
        if fragment.hasPrefix("/") {
            guard let decoded = Self.percentDecoded(fragment),
                let pointer = try? JSONPointer(parsing: decoded)
            else { return nil }
            let place = SchemaPlace(document: root.document, pointer: root.pointer.appending(pointer))
            return value(at: place) == nil ? nil : place
        }
        return anchors[resource + "#" + fragment]
    }

    /// The root of the resource `uri` (no fragment), loading its document if needed.
    func place(ofResource uri: String) throws(SchemaError) -> SchemaPlace? {
        if let place = resources[uri] { return place }
        guard let document = try retrieve(uri) else { return nil }
        try add(document, retrievedFrom: uri)
        return resources[uri]
    }

    private func register(resource uri: String, at place: SchemaPlace) throws(SchemaError) {
        if let existing = resources[uri], existing != place {
            throw SchemaError(
                code: .duplicateResource, message: "two schemas declare the identifier '\(uri)'",
                location: uri)
        }
        resources[uri] = place
    }

    private func index(_ value: JSONValue, at place: SchemaPlace, scope: ResourceScope) throws(SchemaError) {
        guard case .object(let object) = value else {
            scopes[place] = scope
            return
        }
        var scope = scope
        if case .string(let id) = object["$id"] {
            let uri = URIReference(id).resolved(against: URIReference(scope.base))
            let base = uri.withoutFragment.description
            scope = ResourceScope(base: base, rootPointer: place.pointer)
            try register(resource: base, at: place)
        }
        scopes[place] = scope
        if case .string(let name) = object["$anchor"] {
            anchors[scope.base + "#" + name] = place
        }
        if case .string(let name) = object["$dynamicAnchor"] {
            anchors[scope.base + "#" + name] = place
            dynamicAnchors[scope.base, default: [:]][name] = place
        }
        for (key, member) in object {
            if Self.schemaKeywords.contains(key) {
                if case .array(let elements) = member, key == "items" {
                    for (i, element) in elements.enumerated() {
                        try index(element, at: place.appending(key, String(i)), scope: scope)
                    }
                } else {
                    try index(member, at: place.appending(key), scope: scope)
                }
            } else if Self.schemaArrayKeywords.contains(key), case .array(let elements) = member {
                for (i, element) in elements.enumerated() {
                    try index(element, at: place.appending(key, String(i)), scope: scope)
                }
            } else if Self.schemaMapKeywords.contains(key), case .object(let map) = member {
                for (name, element) in map {
                    try index(element, at: place.appending(key, name), scope: scope)
                }
            }
        }
    }

    /// Percent-encodes what may not appear raw in a URI fragment (RFC 3986 `fragment`). Byte by byte into
    /// bytes, and the text itself when nothing needs encoding (nearly every location a schema has): built a
    /// scalar at a time, with the list of unreserved marks searched for every byte, it was a tenth of the
    /// schemas' compilation.
    static func encodeFragment(_ text: String) -> String {
        guard text.utf8.contains(where: { !fragmentByteIsRaw[Int($0)] }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        let digits = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if fragmentByteIsRaw[Int(byte)] {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether each byte value may stand raw in a fragment: letters, digits and `-._~!$&'()*+,;=:@/?`.
    private static let fragmentByteIsRaw: [Bool] = (0..<256).map { value in
        let byte = UInt8(value)
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!$&'()*+,;=:@/?".utf8.contains(byte)
        }
    }

    /// `%XX` escapes decoded; `nil` when an escape is malformed or the bytes are not UTF-8.
    static func percentDecoded(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

extension SchemaPlace {
    func appending(_ tokens: String...) -> SchemaPlace {
        var pointer = self.pointer
        for token in tokens { pointer = pointer.appending(token) }
        return SchemaPlace(document: document, pointer: pointer)
    }
}
