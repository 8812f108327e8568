import JSONCore

/// The state of one evaluation of one instance, threaded `inout` through the validator tree.
///
/// Three modes share one tree: a flag evaluation (``Schema/isValid(_:)``) keeps no paths and stops at the
/// first failure; a full evaluation builds output units; an annotation evaluation records the annotations
/// of chosen keywords. Paths are pushed and popped only in the last two, so the flag mode allocates nothing
/// for them.
struct Evaluation {
    /// Whether failures become output units.
    let buildsOutput: Bool
    /// The keywords whose annotations are collected, or `nil` when none are.
    let annotatedKeywords: Set<String>?
    /// Whether paths are tracked: for output units or for annotations.
    let tracksPaths: Bool
    /// Whether the first failure decides (nothing to report, no annotations to collect).
    let stopsAtFirstFailure: Bool
    /// Whether the schema uses `$dynamicRef`, so the dynamic scope must be tracked.
    let tracksDynamicScope: Bool

    var instancePath: [String] = []
    var keywordPath: [String] = []
    var errors: [OutputUnit] = []
    var annotations: [Annotation] = []
    /// The schema resources entered, outermost first: where `$dynamicRef` looks for its anchor.
    var dynamicScope: [SchemaResource] = []
    /// `$ref` targets being evaluated, with the instance depth they were entered at: entering the same node
    /// at the same depth again can only loop forever (in-place applicators never change the instance).
    var activeReferences: [(node: ObjectIdentifier, depth: Int)] = []
    var instanceDepth = 0

    init(buildsOutput: Bool, annotatedKeywords: Set<String>?, tracksDynamicScope: Bool) {
        self.buildsOutput = buildsOutput
        self.annotatedKeywords = annotatedKeywords
        self.tracksPaths = buildsOutput || annotatedKeywords != nil
        self.stopsAtFirstFailure = !tracksPaths
        self.tracksDynamicScope = tracksDynamicScope
    }

    /// Records a failure of `keyword`; a no-op in flag mode, where the message is never built.
    mutating func fail(_ keyword: KeywordLocation, _ message: @autoclosure () -> String) {
        guard buildsOutput else { return }
        errors.append(unit(keyword, message(), causes: []))
    }

    /// Replaces the failures recorded since `mark` by one failure of `keyword` carrying them as causes.
    mutating func fail(_ keyword: KeywordLocation, since mark: Int, _ message: @autoclosure () -> String) {
        guard buildsOutput else { return }
        let causes = Array(errors[mark...])
        errors.removeSubrange(mark...)
        errors.append(unit(keyword, message(), causes: causes))
    }

    /// Drops failures recorded since `mark` (a branch of `anyOf` that did not matter, say).
    mutating func discardFailures(since mark: Int) {
        if buildsOutput && errors.count > mark { errors.removeSubrange(mark...) }
    }

    private func unit(_ keyword: KeywordLocation, _ message: String, causes: [OutputUnit]) -> OutputUnit {
        OutputUnit(
            keyword: keyword.name, instanceLocation: JSONPointer(tokens: instancePath),
            keywordLocation: JSONPointer(tokens: keyword.isWholeSchema ? keywordPath : keywordPath + [keyword.name]),
            absoluteKeywordLocation: keyword.absolute, error: message, causes: causes)
    }

    mutating func annotate(_ keyword: KeywordLocation, _ value: JSONValue) {
        annotations.append(
            Annotation(
                keyword: keyword.name, instanceLocation: JSONPointer(tokens: instancePath),
                keywordLocation: JSONPointer(tokens: keywordPath + [keyword.name]),
                absoluteKeywordLocation: keyword.absolute, value: value))
    }

    /// Evaluates `node` against a part of the instance (or the instance itself, `step == .same`), reached
    /// through `keyword` and, when given, one more schema path token (a property name, an index).
    @inline(__always)
    mutating func evaluate(
        _ node: SchemaNode, _ instance: JSONValue, via keyword: String, _ schemaToken: String? = nil,
        at step: InstanceStep = .same, evaluated: inout Evaluated?
    ) -> Bool {
        if tracksPaths {
            keywordPath.append(keyword)
            if let schemaToken { keywordPath.append(schemaToken) }
            switch step {
            case .same: break
            case .member(let key): instancePath.append(key)
            case .element(let index): instancePath.append(String(index))
            }
        }
        let descends = step != .same
        if descends { instanceDepth += 1 }
        let valid = node.evaluate(instance, &self, &evaluated)
        if descends { instanceDepth -= 1 }
        if tracksPaths {
            keywordPath.removeLast(schemaToken == nil ? 1 : 2)
            if descends { instancePath.removeLast() }
        }
        return valid
    }

    /// The same, for callers that track no evaluated members.
    @inline(__always)
    mutating func evaluate(
        _ node: SchemaNode, _ instance: JSONValue, via keyword: String, _ schemaToken: String? = nil,
        at step: InstanceStep = .same
    ) -> Bool {
        var none: Evaluated? = nil
        return evaluate(node, instance, via: keyword, schemaToken, at: step, evaluated: &none)
    }
}

/// How a subschema's instance relates to the current one.
enum InstanceStep: Equatable {
    case same
    case member(String)
    case element(Int)
}

/// A keyword's name (its last keyword-path token) and its absolute location, fixed at compile time.
struct KeywordLocation: Sendable {
    let name: String
    let absolute: String
    /// True for the `false` schema itself, whose failure is located at the schema, not at a keyword.
    var isWholeSchema = false
}
