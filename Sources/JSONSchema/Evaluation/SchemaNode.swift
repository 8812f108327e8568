import JSONCore

/// One compiled (sub)schema: a boolean schema, or the compiled keywords of a schema object.
///
/// `@unchecked Sendable`: nodes form a graph with cycles (`$ref` back to an ancestor), so the compiler
/// creates each node first and fills its fields afterwards. Every `var` is written only by the compiler,
/// before ``Schema`` hands the tree out; from then on the tree is read-only and shared freely by threads.
final class SchemaNode: @unchecked Sendable {
    /// The absolute location of this schema, `URI#/pointer`.
    let location: String
    /// The resource this schema belongs to (the nearest `$id`, or the document).
    let enclosingResource: SchemaResource
    /// Whether this schema starts its resource (has its own `$id`, or is a document root).
    let startsResource: Bool

    /// `true` or `false` for a boolean schema; `nil` for a schema object.
    var constant: Bool?
    /// The assertions and applicators, `unevaluated*` last (they depend on the others' results).
    var keywords: [CompiledKeyword] = [] {
        didSet {
            compiledKeywords.deinitialize()
            compiledKeywords.deallocate()
            compiledKeywords = .allocate(capacity: keywords.count)
            _ = compiledKeywords.initialize(from: keywords)
        }
    }
    /// The same keywords in memory of their own: evaluation reads them in place through the pointer, so no
    /// keyword (and none of the arrays and nodes it holds) is copied or reference-counted per instance.
    /// Reference counting on shared nodes would also make threads contend for the same cache lines.
    private var compiledKeywords = UnsafeMutableBufferPointer<CompiledKeyword>.allocate(capacity: 0)
    /// Keywords that only annotate (`title`, `default`, unknown keywords...): consulted only when an
    /// evaluation collects annotations, never on the validation path.
    var annotationValues: [(location: KeywordLocation, value: JSONValue)] = []
    /// Whether this schema holds `unevaluatedProperties` or `unevaluatedItems`, and so must know what its
    /// other keywords evaluated.
    var tracksEvaluated = false
    /// For a schema whose only validator is a `$ref` that cannot loop (`{"$ref": "common#/$defs/uuid"}`, with
    /// annotations at most): the end of the chain of such hops it starts, which a flag evaluation enters
    /// directly. Such hops are most of a real schema's nodes. Set by the compiler once references are
    /// resolved.
    var forward: NodeRef?
    /// How many `$ref` hops ``forward`` stands for.
    var forwardHops = 0

    init(location: String, enclosingResource: SchemaResource, startsResource: Bool) {
        self.location = location
        self.enclosingResource = enclosingResource
        self.startsResource = startsResource
    }

    deinit {
        compiledKeywords.deinitialize()
        compiledKeywords.deallocate()
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        if let constant {
            if !constant {
                if e.buildsOutput {
                    e.fail(
                        KeywordLocation(name: "false", absolute: location, isWholeSchema: true),
                        "false schema does not allow \(describe(instance))")
                }
            }
            return constant
        }
        // Nothing to report, no annotations, no dynamic scope: this node would only evaluate its target.
        if let forward, e.stopsAtFirstFailure, !e.tracksDynamicScope {
            return e.forward(from: self, to: forward, hops: forwardHops, instance, evaluated: &evaluated)
        }
        let entersResource =
            e.tracksDynamicScope && startsResource && e.dynamicScope.last !== enclosingResource
        if entersResource { e.dynamicScope.append(enclosingResource) }
        defer { if entersResource { e.dynamicScope.removeLast() } }

        var local: Evaluated? = (evaluated != nil || tracksEvaluated) ? Evaluated() : nil
        let annotationMark = e.annotations.count
        var valid = true
        let keywords = compiledKeywords
        if e.recordsChecks {
            for index in keywords.indices {
                let outcome = keywords[index].evaluate(instance, &e, &local)
                e.record(keywords[index], on: instance, outcome: outcome)
                if !outcome { return false }
            }
        } else {
            for index in keywords.indices where !keywords[index].evaluate(instance, &e, &local) {
                valid = false
                if e.stopsAtFirstFailure { return false }
            }
        }
        if valid {
            if let local, evaluated != nil { evaluated!.merge(local) }
            if let wanted = e.annotatedKeywords {
                for (location, value) in annotationValues where wanted.contains(location.name) {
                    e.annotate(location, value)
                }
            }
        } else if e.annotations.count > annotationMark {
            e.annotations.removeSubrange(annotationMark...)
        }
        return valid
    }
}

/// A schema resource: the unit `$id` names and `$dynamicRef` searches for `$dynamicAnchor`s.
///
/// `@unchecked Sendable` for the same reason as ``SchemaNode``: filled by the compiler, read-only after.
final class SchemaResource: @unchecked Sendable {
    let uri: String
    /// The schemas its `$dynamicAnchor`s name. Not retained: each such schema belongs to this resource and
    /// so retains it (``SchemaNode/enclosingResource``); retaining back would be a cycle that outlives the
    /// compiled ``Schema``. The compiler's arena keeps the nodes alive.
    var dynamicAnchors: [String: NodeRef] = [:]
    init(uri: String) { self.uri = uri }
}

/// A short, bounded rendering of an instance value for error messages.
func describe(_ value: JSONValue) -> String {
    let text = value.serialized(.init(sortKeys: false))
    guard text.unicodeScalars.count > 80 else { return text }
    return String(String.UnicodeScalarView(text.unicodeScalars.prefix(77))) + "..."
}
