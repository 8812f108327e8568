import JSONCore

/// Turns schema documents into the validator tree: one ``SchemaNode`` per schema place, built once.
///
/// References are resolved after the schema that holds them is compiled, from a work list, so a `$ref`
/// cycle is just an edge back to an existing node, never a compile-time loop. Every problem is a
/// ``SchemaError`` at the absolute location of the keyword that caused it.
final class Compiler {
    let options: CompileOptions
    let registry: ResourceRegistry
    private var nodes: [SchemaPlace: SchemaNode] = [:]
    private var resourceObjects: [String: SchemaResource] = [:]
    private var dialects: [String: Dialect] = [:]
    /// The same, by the text of the `$schema` that named them.
    private var dialectsByText: [String: Dialect] = [:]
    private var regexes: [String: ECMARegex] = [:]
    private var pendingReferences: [PendingReference] = []
    private var resourcesAwaitingAnchors: [SchemaResource] = []
    private let customKeywords: [String: Vocabulary]
    /// Every node, keyword location and reference target compiled: validators refer to them
    /// `unowned(unsafe)` (no reference counting while validating), so ``Schema`` keeps this arena alive.
    private(set) var arena: [AnyObject] = []

    /// Keeps `object` alive as long as the compiled schema.
    func keep<Object: AnyObject>(_ object: Object) -> Object {
        arena.append(object)
        return object
    }

    /// Whether any compiled schema uses `$dynamicRef` (and so evaluations must track the dynamic scope).
    private(set) var usesDynamicReferences = false

    init(options: CompileOptions) throws(SchemaError) {
        self.options = options
        var custom: [String: Vocabulary] = [:]
        for vocabulary in options.vocabularies {
            for keyword in vocabulary.keywords { custom[keyword] = vocabulary }
        }
        customKeywords = custom
        var vocabularyMetaSchemas: [String: JSONValue] = [:]
        for vocabulary in options.vocabularies {
            if let metaSchema = vocabulary.metaSchema, case .string(let id) = metaSchema["$id"] {
                vocabularyMetaSchemas[URIReference(id).withoutFragment.description] = metaSchema
            }
        }
        registry = ResourceRegistry(resources: options.resources, builtIn: vocabularyMetaSchemas)
    }

    /// Compiles the document `root`, retrieved from `uri`, and everything it references.
    func compile(_ root: JSONValue, uri: String) throws(SchemaError) -> SchemaNode {
        let document = try registry.add(root, retrievedFrom: uri)
        let node = try node(at: SchemaPlace(document: document, pointer: .root))
        try finish()
        markInPlaceCycles()
        return node
    }

    /// Clears ``ReferenceTarget/mayRecurseInPlace`` for every `$ref` whose target cannot lead back to the
    /// referring schema through in-place applicators: such a reference can never loop, so it need not be
    /// tracked while validating. The target leads back exactly when both lie in one strongly connected
    /// component of the in-place graph, so one pass over the graph decides every reference (a search per
    /// reference would make compilation quadratic in a schema's references).
    private func markInPlaceCycles() {
        let nodes = arena.compactMap { $0 as? SchemaNode }
        let component = InPlaceGraph.components(of: nodes)
        for node in nodes {
            for keyword in node.keywords {
                guard case .ref(let reference) = keyword else { continue }
                reference.target.mayRecurseInPlace =
                    component[ObjectIdentifier(node)] == component[ObjectIdentifier(reference.target.node)]
            }
        }
        // A schema that is only such a reference hands flag evaluations straight to its target.
        var forwards: [ObjectIdentifier: SchemaNode] = [:]
        for node in nodes where node.constant == nil && !node.tracksEvaluated {
            guard node.keywords.count == 1, case .ref(let reference) = node.keywords[0],
                !reference.target.mayRecurseInPlace
            else { continue }
            forwards[ObjectIdentifier(node)] = reference.target.node
        }
        // Straight to the end of a chain of such hops, so that a flag evaluation of a long chain is one call,
        // not a native stack frame per hop. Forwarding never loops: a hop's target cannot lead back to it.
        var ends: [ObjectIdentifier: (end: SchemaNode, hops: Int)] = [:]
        for node in nodes where forwards[ObjectIdentifier(node)] != nil {
            var chain: [ObjectIdentifier] = []
            var current = node
            var hopsBeyond = 0
            while let next = forwards[ObjectIdentifier(current)] {
                if let known = ends[ObjectIdentifier(current)] {
                    (current, hopsBeyond) = known
                    break
                }
                chain.append(ObjectIdentifier(current))
                current = next
            }
            for (index, hop) in chain.enumerated() { ends[hop] = (current, chain.count - index + hopsBeyond) }
            let (end, hops) = ends[ObjectIdentifier(node)]!
            node.forward = NodeRef(end)
            // Counted as the hops they replace, so that every evaluation mode meets the nesting limit alike.
            node.forwardHops = hops
        }
    }

    /// Resolves references and dynamic anchors until no work is left.
    private func finish() throws(SchemaError) {
        while !pendingReferences.isEmpty || !resourcesAwaitingAnchors.isEmpty {
            while let pending = pendingReferences.popLast() { try resolve(pending) }
            while let resource = resourcesAwaitingAnchors.popLast() {
                for (name, place) in registry.dynamicAnchors[resource.uri] ?? [:] {
                    resource.dynamicAnchors[name] = NodeRef(try node(at: place))
                }
            }
        }
    }

    /// The node for the schema at `place`, compiled on first request.
    func node(at place: SchemaPlace) throws(SchemaError) -> SchemaNode {
        if let existing = nodes[place] { return existing }
        let location = registry.absoluteLocation(of: place)
        guard let value = registry.value(at: place) else {
            throw SchemaError(code: .unresolvedReference, message: "no schema at this location", location: location)
        }
        let scope = registry.scope(of: place)
        let node = SchemaNode(
            location: location, enclosingResource: resource(scope.base),
            startsResource: scope.rootPointer == place.pointer)
        nodes[place] = node
        arena.append(node)
        switch value {
        case .bool(let constant):
            node.constant = constant
        case .object(let object):
            try compileObject(object, into: node, at: place, scope: scope)
        default:
            throw SchemaError(
                code: .notASchema, message: "a schema must be an object or a boolean, not \(value.typeName)",
                location: location)
        }
        return node
    }

    private func resource(_ uri: String) -> SchemaResource {
        if let existing = resourceObjects[uri] { return existing }
        let created = SchemaResource(uri: uri)
        resourceObjects[uri] = created
        resourcesAwaitingAnchors.append(created)
        return created
    }

    private func compileObject(
        _ object: JSONObject, into node: SchemaNode, at place: SchemaPlace, scope: ResourceScope
    ) throws(SchemaError) {
        let dialect = try dialect(for: place, scope: scope)
        var site = SchemaObjectSite(
            compiler: self, object: object, place: place, base: scope.base, location: node.location,
            dialect: dialect, keyword: "", value: .null)
        var keywords: [CompiledKeyword] = []
        var trailing: [CompiledKeyword] = []
        for (keyword, value) in object {
            site.keyword = keyword
            site.value = value
            let result: KeywordCompilation
            if let compiled = try KeywordTable.compile(site) {
                result = compiled
            } else if let vocabulary = customKeywords[keyword], dialect.has(vocabulary.uri) {
                let location = site.location()
                let compiled: any CustomKeyword
                do {
                    compiled = try vocabulary.compile(
                        KeywordSite(keyword: keyword, value: value, schema: object, location: location.absolute))
                } catch let error as SchemaError {
                    throw error
                } catch {
                    throw SchemaError(
                        code: .invalidKeywordValue, message: "'\(keyword)': \(error)", location: location.absolute)
                }
                // A keyword that only annotates with its own value never fails: it joins the annotations,
                // off the validation path, instead of being evaluated for every instance.
                if compiled is AnnotatingKeyword {
                    result = .annotation
                } else {
                    result = .validator(
                        .custom(
                            CustomKeywordValidator(box: keep(CustomKeywordValidator.Box(compiled)), location: location))
                    )
                }
            } else {
                result = .annotation  // unknown keywords are collected as annotations
            }
            switch result {
            case .validator(let compiled):
                if keyword == "unevaluatedProperties" || keyword == "unevaluatedItems" {
                    trailing.append(compiled)
                    node.tracksEvaluated = true
                } else {
                    keywords.append(compiled)
                }
            case .annotation:
                node.annotationValues.append((site.location(), value))
            case .checked:
                break
            }
        }
        node.keywords = keywords + trailing
    }

    /// The dialect of the schema at `place`: from the `$schema` of its resource root, else of its
    /// document root, else draft 2020-12.
    private func dialect(for place: SchemaPlace, scope: ResourceScope) throws(SchemaError) -> Dialect {
        let resourceRoot = SchemaPlace(document: place.document, pointer: scope.rootPointer)
        let documentRoot = SchemaPlace(document: place.document, pointer: .root)
        for candidate in [resourceRoot, documentRoot] {
            if case .string(let uri) = registry.value(at: candidate)?["$schema"] {
                return try dialect(metaSchema: uri, location: registry.absoluteLocation(of: candidate) + "/$schema")
            }
        }
        return Dialect.standard(formatAssertion: options.formatAssertion, custom: options.vocabularies)
    }

    private func dialect(metaSchema uri: String, location: String) throws(SchemaError) -> Dialect {
        // Every schema object of a document names the same `$schema`: its text is looked up before it is
        // parsed as a URI (parsing it for each of them was a third of compiling the message schemas).
        if let known = dialectsByText[uri] { return known }
        let key = URIReference(uri).withoutFragment.description
        if let known = dialects[key] {
            dialectsByText[uri] = known
            return known
        }
        let dialect: Dialect
        if key == Dialect.draft202012URI {
            dialect = Dialect.standard(formatAssertion: options.formatAssertion, custom: options.vocabularies)
        } else {
            guard URIReference(uri).isAbsolute else {
                throw SchemaError(
                    code: .invalidKeywordValue, message: "'$schema' must be an absolute URI, not '\(uri)'",
                    location: location)
            }
            guard let place = try registry.place(ofResource: key),
                let metaSchema = registry.value(at: place)
            else {
                throw SchemaError(
                    code: .unknownMetaSchema,
                    message:
                        "unknown meta-schema '\(uri)' (only draft 2020-12 is embedded; map others with --resource)",
                    location: location)
            }
            dialect = try Self.dialect(declaredBy: metaSchema, uri: key, options: options, location: location)
        }
        dialects[key] = dialect
        dialectsByText[uri] = dialect
        return dialect
    }

    /// The dialect a custom meta-schema declares through `$vocabulary`; all of draft 2020-12 when it
    /// declares none.
    private static func dialect(
        declaredBy metaSchema: JSONValue, uri: String, options: CompileOptions, location: String
    ) throws(SchemaError) -> Dialect {
        guard case .object(let declared) = metaSchema["$vocabulary"] else {
            return Dialect.standard(formatAssertion: options.formatAssertion, custom: options.vocabularies)
        }
        let custom = Set(options.vocabularies.map(\.uri))
        var vocabularies: Set<String> = []
        for (vocabulary, required) in declared {
            if Dialect.standardVocabularies.contains(vocabulary) || custom.contains(vocabulary) {
                vocabularies.insert(vocabulary)
            } else if required == .bool(true) {
                throw SchemaError(
                    code: .unknownVocabulary,
                    message: "meta-schema '\(uri)' requires the unknown vocabulary '\(vocabulary)'",
                    location: location)
            }
        }
        let assertsFormat = options.formatAssertion || vocabularies.contains(Dialect.formatAssertionVocabulary)
        return Dialect(vocabularies: vocabularies, formatAssertion: assertsFormat)
    }

    // MARK: Services for keyword compilation

    /// A `$ref` or `$dynamicRef` waiting for the schema that holds it to be compiled.
    struct PendingReference {
        let reference: String
        let base: String
        let location: String
        let target: ReferenceTarget
        let isDynamic: Bool
    }

    /// Resolves `reference` once the current schema is compiled, into `target`.
    func resolveLater(
        _ reference: String, base: String, location: String, into target: ReferenceTarget, isDynamic: Bool
    ) {
        pendingReferences.append(
            PendingReference(reference: reference, base: base, location: location, target: target, isDynamic: isDynamic)
        )
    }

    private func resolve(_ pending: PendingReference) throws(SchemaError) {
        guard let place = try registry.resolve(pending.reference, against: pending.base) else {
            let target = URIReference(pending.reference).resolved(against: URIReference(pending.base))
            throw SchemaError(
                code: .unresolvedReference,
                message: "cannot resolve '\(pending.reference)' (to \(target)); no embedded or mapped schema has it",
                location: pending.location)
        }
        pending.target.node = try node(at: place)
        // `$dynamicRef` resolves dynamically only when its static target declares the same dynamic anchor.
        if pending.isDynamic, let fragment = URIReference(pending.reference).fragment, !fragment.isEmpty,
            !fragment.hasPrefix("/"), registry.value(at: place)?["$dynamicAnchor"] == .string(fragment)
        {
            pending.target.dynamicAnchor = fragment
        }
    }

    func noteDynamicReference() { usesDynamicReferences = true }

    /// The compiled regex for `pattern`, shared by every keyword that uses the same pattern.
    func regex(_ pattern: String, location: String) throws(SchemaError) -> ECMARegex {
        if let known = regexes[pattern] { return known }
        do {
            let compiled = keep(try ECMARegex(pattern, matchLimit: options.regexMatchLimit))
            regexes[pattern] = compiled
            return compiled
        } catch {
            throw SchemaError(
                code: .invalidRegex,
                message: "'\(pattern)' is not a valid regular expression: \(error.message) at offset \(error.offset)",
                location: location)
        }
    }
}

/// What a keyword compiles to.
enum KeywordCompilation {
    /// A validator to run for every instance.
    case validator(CompiledKeyword)
    /// No validator: the keyword's value is an annotation (`title`, `default`, `format` when not asserting).
    case annotation
    /// Nothing to run: the value is checked and used elsewhere (`$id`, `$defs`, `then`, `minContains`...).
    case checked
}
