import JSONCore

/// The privacy annotations of a message schema, compiled into a tree that mirrors the schema's structure
/// (`properties`, `prefixItems`, `items`, `$ref`, `allOf`, `anyOf`/`oneOf` branches chosen by type), so that
/// the annotations that apply at every place of a message can be found by one walk.
///
/// This walk, unlike collecting annotations during validation, also reaches the parts of a message that
/// fail validation: a level-1 message whose `components` are malformed still discloses configuration, and
/// the level rules must still say so.
///
/// Nodes are built once when the schema set loads and never change afterwards; the `@unchecked Sendable`
/// only covers the wiring of `$ref` cycles during that build.
final class AnnotationNode: @unchecked Sendable {
    var discloses: Disclosure?
    var minimumLevel: Int?
    var role: FieldRole?
    /// Generations that send this field (the vocabulary's `generation` on a field).
    var generations: [String] = []
    var description: String?
    /// The JSON types the schema admits here (`type`), `nil` when unconstrained.
    var types: Set<String>?
    var properties: [String: AnnotationNode] = [:]
    /// Properties in schema order, for describing.
    var propertyOrder: [String] = []
    var prefixItems: [AnnotationNode] = []
    var items: AnnotationNode?
    /// Subschemas that always apply here: `$ref` targets and `allOf` members.
    var conjuncts: [AnnotationNode] = []
    /// Subschemas of which some apply: `anyOf` and `oneOf` members.
    var branches: [AnnotationNode] = []

    var hasAnnotation: Bool { discloses != nil || minimumLevel != nil || role != nil }
    /// The types admitted once `$ref`s and `allOf` are followed, computed by `prepare()`.
    private var admittedTypes: Set<String>?
    private var prepared = false

    /// Computes what the walk needs for this node and every node below it, once, when the set loads.
    func prepare() {
        var stack: [AnnotationNode] = [self]
        while let node = stack.popLast() {
            guard !node.prepared else { continue }
            node.prepared = true
            var visited = Set<ObjectIdentifier>()
            node.admittedTypes = node.effectiveTypes(&visited)
            stack += node.conjuncts + node.branches + node.prefixItems + Array(node.properties.values)
            if let items = node.items { stack.append(items) }
        }
    }

    /// The types admitted once `$ref`s and `allOf` are followed; `nil` when unconstrained.
    func effectiveTypes(_ visited: inout Set<ObjectIdentifier>) -> Set<String>? {
        guard visited.insert(ObjectIdentifier(self)).inserted else { return nil }
        var result = types
        for conjunct in conjuncts {
            if let other = conjunct.effectiveTypes(&visited) { result = result.map { $0.intersection(other) } ?? other }
        }
        return result
    }

    func admits(_ value: JSONValue) -> Bool {
        guard let types = admittedTypes else { return true }
        let name = value.typeName
        return types.contains(name) || (name == "integer" && types.contains("number"))
            || (name == "number" && types.contains("integer") && value.isIntegral)
    }

    /// How many `$ref`/`allOf`/`anyOf` steps may follow one another without descending into the value: far
    /// more than any real schema chains, and the end of a `$ref` cycle.
    static let maxHops = 32

    /// Every annotation that applies in `value`, each at its pointer. Bounded by the message's depth (itself
    /// bounded by the parser) and, against `$ref` cycles, by `maxHops` steps that do not descend.
    func annotate(_ value: JSONValue, at pointer: JSONPointer, into out: inout [LocatedAnnotation]) {
        var path = pointer.tokens
        annotate(value, path: &path, into: &out, hops: 0)
    }

    /// The walk keeps one path and builds a pointer only where an annotation is recorded.
    private func annotate(_ value: JSONValue, path: inout [String], into out: inout [LocatedAnnotation], hops: Int) {
        guard hops <= Self.maxHops else { return }
        if hasAnnotation {
            out.append(LocatedAnnotation(
                pointer: JSONPointer(tokens: path), discloses: discloses, minimumLevel: minimumLevel, role: role))
        }
        for conjunct in conjuncts { conjunct.annotate(value, path: &path, into: &out, hops: hops + 1) }
        for branch in branches where branch.admits(value) {
            branch.annotate(value, path: &path, into: &out, hops: hops + 1)
        }
        switch value {
        case .object(let object) where !properties.isEmpty:
            for (key, member) in object {
                guard let child = properties[key] else { continue }
                path.append(key)
                child.annotate(member, path: &path, into: &out, hops: 0)
                path.removeLast()
            }
        case .array(let elements) where items != nil || !prefixItems.isEmpty:
            for (index, element) in elements.enumerated() {
                guard let child = index < prefixItems.count ? prefixItems[index] : items else { continue }
                path.append(String(index))
                child.annotate(element, path: &path, into: &out, hops: 0)
                path.removeLast()
            }
        default: break
        }
    }
}

/// Builds annotation trees from the schema documents, resolving `$ref` within the set.
struct AnnotationTreeBuilder {
    let documents: [String: SchemaDocument]
    private var built: [String: AnnotationNode] = [:]

    init(documents: [String: SchemaDocument]) { self.documents = documents }

    /// The tree of the schema at `uri` (a document `$id`, optionally with a `#/json/pointer` fragment).
    mutating func node(for uri: String) throws(SchemaSetError) -> AnnotationNode {
        if let existing = built[uri] { return existing }
        let (base, fragment) = SchemaURI.splitFragment(uri)
        guard let document = documents[base] else {
            throw SchemaSetError(path: base, message: "no schema in the set has this $id")
        }
        var schema = document.json
        if let fragment, !fragment.isEmpty {
            let pointer: JSONPointer
            do { pointer = try JSONPointer(parsing: fragment.removingPercentEncoding) } catch {
                throw SchemaSetError(path: document.path, pointer: fragment, message: "\(error)")
            }
            guard let target = pointer.resolve(in: document.json) else {
                throw SchemaSetError(path: document.path, pointer: fragment, message: "$ref target does not exist")
            }
            schema = target
        }
        let node = AnnotationNode()
        built[uri] = node
        try fill(node, from: schema, base: base, location: uri, document: document)
        return node
    }

    private mutating func fill(
        _ node: AnnotationNode, from schema: JSONValue, base: String, location: String, document: SchemaDocument
    ) throws(SchemaSetError) {
        guard case .object(let object) = schema else { return }
        func fail(_ message: String) -> SchemaSetError {
            SchemaSetError(path: document.path, pointer: SchemaURI.splitFragment(location).1 ?? "", message: message)
        }
        if let value = object["discloses"] {
            guard let text = value.stringValue, let disclosure = Disclosure(rawValue: text) else {
                throw fail("discloses must be one of \(Disclosure.allCases.map(\.rawValue))")
            }
            node.discloses = disclosure
        }
        if let value = object["minimumLevel"] {
            guard let level = value.exactInteger, (1...3).contains(level) else { throw fail("minimumLevel must be 1, 2 or 3") }
            node.minimumLevel = Int(level)
        }
        if let value = object["role"] {
            guard let text = value.stringValue, let role = FieldRole(rawValue: text) else {
                throw fail("role must be one of \(FieldRole.allCases.map(\.rawValue))")
            }
            node.role = role
        }
        node.generations = object["generation"]?.arrayValue?.compactMap(\.stringValue) ?? []
        node.description = object["description"]?.stringValue
        switch object["type"] {
        case .string(let name)?: node.types = [name]
        case .array(let names)?: node.types = Set(names.compactMap(\.stringValue))
        default: break
        }
        if let reference = object["$ref"]?.stringValue {
            node.conjuncts.append(try self.node(for: SchemaURI.resolve(reference, against: base)))
        }
        func child(_ value: JSONValue, _ path: String) throws(SchemaSetError) -> AnnotationNode {
            let sub = AnnotationNode()
            try fill(sub, from: value, base: base, location: location + path, document: document)
            return sub
        }
        for (i, member) in (object["allOf"]?.arrayValue ?? []).enumerated() {
            node.conjuncts.append(try child(member, "/allOf/\(i)"))
        }
        for keyword in ["anyOf", "oneOf"] {
            for (i, member) in (object[keyword]?.arrayValue ?? []).enumerated() {
                node.branches.append(try child(member, "/\(keyword)/\(i)"))
            }
        }
        if let properties = object["properties"]?.objectValue {
            for (key, member) in properties {
                node.properties[key] = try child(member, "/properties/\(JSONPointer.escape(key))")
                node.propertyOrder.append(key)
            }
        }
        for (i, member) in (object["prefixItems"]?.arrayValue ?? []).enumerated() {
            node.prefixItems.append(try child(member, "/prefixItems/\(i)"))
        }
        if let items = object["items"], items.objectValue != nil {
            node.items = try child(items, "/items")
        }
    }
}

extension String {
    /// Decodes `%XX` escapes (JSON pointers in URI fragments may carry them).
    var removingPercentEncoding: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
