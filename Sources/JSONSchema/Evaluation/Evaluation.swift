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
    /// Whether the keywords that read the instance's values are recorded, with their outcomes
    /// (`Schema.recordValidation`): a flag evaluation that also tracks the instance path.
    let recordsChecks: Bool
    /// The value-reading keywords met so far, when `recordsChecks`.
    var recordedChecks: [(keyword: CompiledKeyword, path: [String], outcome: Bool)] = []
    /// How many `propertyNames` evaluations enclose this point: there the instance is a member name, which
    /// belongs to the instance's structure, so nothing below is recorded.
    var memberNameDepth = 0

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
    /// This thread's remembered pattern verdicts, looked up once for the evaluation rather than at every
    /// `pattern` it meets. An evaluation runs on the thread that made it (its `stackFloor` is that thread's
    /// too), so the memo is never shared.
    let memo = StringVerdictMemo.forThisThread()
    /// How many subschema evaluations enclose this point: each is a few native stack frames, so this is
    /// what the evaluation's stack use grows with.
    var nesting = 0
    /// Set when ``nesting`` would pass ``maxNesting``, or the stack ``stackFloor``: the evaluation then stops, every enclosing subschema
    /// fails at once (a `not` cannot turn the stop into a success), and the result is invalid with
    /// ``overflow`` as its error.
    private(set) var overflow: OutputUnit?
    /// `overflow != nil`, as a flag cheap enough to test on every subschema entry.
    private var stopped = false

    /// The deepest nesting of subschema evaluations allowed. A reference chain (`$defs` entries each a `$ref`
    /// to the next) or a recursive schema nests one evaluation per link with no instance level consumed, so
    /// the schema, not the instance, sets the depth: unbounded, it overflows the stack (about 3,000 links
    /// in a release build on a thread's 8 MiB). The deepest instance the JSON reader accepts (512 levels)
    /// against a recursive schema spends three or four per level. On an 8 MiB stack in a release build this
    /// count decides, the same in every evaluation mode; in a debug build, whose frames are larger, or on a
    /// smaller stack, the stack's own limit (``stackFloor``) may decide first.
    static let maxNesting = 2_500
    /// The lowest stack address the evaluation may reach (the stack grows down): the thread's own stack
    /// limit, less ``StackBounds/reserve`` for the leaves. Frames differ in size between keywords, between
    /// debug and release builds, and threads differ in stack size: this is what must not run out, whatever
    /// the nesting count.
    private let stackFloor: UInt

    init(buildsOutput: Bool, annotatedKeywords: Set<String>?, tracksDynamicScope: Bool, recordsChecks: Bool = false) {
        self.buildsOutput = buildsOutput
        self.annotatedKeywords = annotatedKeywords
        self.tracksPaths = buildsOutput || annotatedKeywords != nil || recordsChecks
        self.stopsAtFirstFailure = !(buildsOutput || annotatedKeywords != nil)
        self.tracksDynamicScope = tracksDynamicScope
        self.recordsChecks = recordsChecks
        stackFloor = StackBounds.floorOfThisThread()
    }

    /// Records `keyword`'s outcome on `instance` when the outcome depends on more than the instance's
    /// structure (`ValidationTrace`).
    mutating func record(_ keyword: CompiledKeyword, on instance: JSONValue, outcome: Bool) {
        guard memberNameDepth == 0, keyword.readsValues(of: instance) else { return }
        recordedChecks.append((keyword, instancePath, outcome))
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
        _ node: NodeRef, _ instance: JSONValue, via keyword: KeywordLocation, _ schemaToken: SchemaToken = .none,
        at step: InstanceStep = .same, evaluated: inout Evaluated?
    ) -> Bool {
        guard nesting < Self.maxNesting, currentStackAddress() > stackFloor, !stopped else {
            return stop(keyword.name, at: keyword.absolute)
        }
        var tokens = 1
        if tracksPaths {
            keywordPath.append(keyword.name)
            switch schemaToken {
            case .none: break
            case .name(let name):
                keywordPath.append(name)
                tokens = 2
            case .index(let index):
                keywordPath.append(String(index))
                tokens = 2
            }
            switch step {
            case .same: break
            case .member(let key): instancePath.append(key)
            case .element(let index): instancePath.append(String(index))
            case .propertyName: break
            }
        }
        let descends = step != .same
        if descends { instanceDepth += 1 }
        if step == .propertyName { memberNameDepth += 1 }
        nesting += 1
        let valid = node.evaluate(instance, &self, &evaluated) && !stopped
        nesting -= 1
        if step == .propertyName { memberNameDepth -= 1 }
        if descends { instanceDepth -= 1 }
        if tracksPaths {
            keywordPath.removeLast(tokens)
            if descends && step != .propertyName { instancePath.removeLast() }
        }
        return valid
    }

    /// Evaluates `target`, the end of the chain of `hops` plain `$ref` hops `node` starts
    /// (``SchemaNode/forward``), counted as the `hops` subschema entries the other modes make for them.
    @inline(__always)
    mutating func forward(
        from node: SchemaNode, to target: NodeRef, hops: Int, _ instance: JSONValue, evaluated: inout Evaluated?
    ) -> Bool {
        guard nesting + hops <= Self.maxNesting, currentStackAddress() > stackFloor, !stopped else {
            return stop("$ref", at: node.location)
        }
        nesting += hops
        let valid = target.evaluate(instance, &self, &evaluated) && !stopped
        nesting -= hops
        return valid
    }

    /// Fails the subschema about to be entered through the keyword `name` written at `absolute` because the
    /// nesting limit is reached (or was, deeper down): the first time, with the reason kept as ``overflow``.
    @inline(never)
    private mutating func stop(_ name: String, at absolute: String) -> Bool {
        if !stopped {
            stopped = true
            overflow = OutputUnit(
                keyword: name, instanceLocation: JSONPointer(tokens: instancePath),
                keywordLocation: JSONPointer(tokens: keywordPath + [name]),
                absoluteKeywordLocation: absolute,
                error: "the evaluation nests subschemas too deep (more than \(Self.maxNesting), or deeper than "
                    + "the thread's stack allows): a reference chain or a recursion this deep is refused, not followed")
        }
        return false
    }

    /// The same, for callers that track no evaluated members.
    @inline(__always)
    mutating func evaluate(
        _ node: NodeRef, _ instance: JSONValue, via keyword: KeywordLocation, _ schemaToken: SchemaToken = .none,
        at step: InstanceStep = .same
    ) -> Bool {
        var none: Evaluated? = nil
        return evaluate(node, instance, via: keyword, schemaToken, at: step, evaluated: &none)
    }
}

/// The address of a local of the caller's frame: how deep the native stack is.
@inline(__always)
func currentStackAddress() -> UInt {
    var marker: UInt8 = 0
    return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
}

/// How a subschema's instance relates to the current one.
enum InstanceStep: Equatable {
    case same
    case member(String)
    case element(Int)
    /// A member name as an instance (`propertyNames`): a different instance, reported at the object.
    case propertyName
}

/// A keyword's name (its last keyword-path token) and its absolute location, fixed at compile time.
///
/// A class so that keywords can hold it `unowned(unsafe)`: copying a keyword then copies a pointer, with no
/// reference counting on the validation path. The compiler's arena, which ``Schema`` keeps, owns them all.
final class KeywordLocation: Sendable {
    let name: String
    let absolute: String
    /// True for the `false` schema itself, whose failure is located at the schema, not at a keyword.
    let isWholeSchema: Bool

    init(name: String, absolute: String, isWholeSchema: Bool = false) {
        self.name = name
        self.absolute = absolute
        self.isWholeSchema = isWholeSchema
    }
}

/// The extra keyword-path token between a keyword and its subschema: a member name (`properties/name`)
/// or an index (`allOf/2`), turned into a string only when paths are tracked.
enum SchemaToken {
    case none
    case name(String)
    case index(Int)
}
