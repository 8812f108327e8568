import JSONCore

/// What decided one instance's validity beyond its structure: every keyword that read a value (a `pattern`,
/// an `enum`, a bound...), where, and its outcome. Recorded once, it decides the validity of any instance
/// of the same structure by re-running only those keywords (`Schema.isValid(_:replaying:)`).
///
/// Why this holds: the structure of an instance is the type at every place (reals apart from integers),
/// the member names of every object in order and the length of every array. Every other keyword's outcome
/// (`type`, `required`, `properties`, `items`, `additionalProperties`, `unevaluated*`...) follows from the
/// structure and from its subschemas' outcomes, so a flag evaluation's path through the schema is decided
/// by the structure and the value-reading outcomes alone. An instance of the same structure whose values
/// give the same outcome at every recorded check takes the same path to the same result. Whoever replays
/// must know the instance has the recorded one's structure; a check whose place is not found, or whose
/// outcome differs, makes the replay give up (`nil`), and the caller evaluates in full.
public struct ValidationTrace: Sendable {
    /// The recorded instance's validity.
    public let isValid: Bool
    /// The value-reading checks, each with its place as member positions and element indices (a range of
    /// `steps`), sorted by place (a place before the places inside it) so that a replay walks the instance
    /// once, visiting only the places checked.
    let checks: [(keyword: CompiledKeyword, steps: Range<Int>, outcome: Bool)]
    let steps: [Int]
    /// The tape node (`JSONTape`) of each check's place, for an instance of the recorded structure, which
    /// has `nodeCount` nodes.
    let nodes: [Int]
    let nodeCount: Int
    /// Keeps the compiled keywords the checks point into alive, and names the schema they belong to.
    let owner: AnyObject & Sendable

    /// How many checks a replay runs.
    public var checkCount: Int { checks.count }
}

extension Schema {
    /// Whether `instance` is valid, with the trace that decides the same for every instance of its structure;
    /// the trace is `nil` when a recorded place cannot be expressed as positions (never for a well-formed
    /// evaluation). Slower than `isValid`: it tracks paths, once per structure.
    public func recordValidation(of instance: JSONValue) -> (isValid: Bool, trace: ValidationTrace?) {
        var evaluation = Evaluation(
            buildsOutput: false, annotatedKeywords: nil, tracksDynamicScope: usesDynamicReferences, recordsChecks: true)
        var evaluated: Evaluated? = nil
        let valid = root.evaluate(instance, &evaluation, &evaluated)
        // A stopped evaluation decided nothing about the instance's values: there is no trace to replay.
        guard evaluation.overflow == nil else { return (false, nil) }
        var steps: [Int] = []
        var checks: [(keyword: CompiledKeyword, steps: Range<Int>, outcome: Bool)] = []
        for check in evaluation.recordedChecks {
            let lower = steps.count
            var current = instance
            for token in check.path {
                switch current {
                case .object(let object):
                    guard let position = object.position(of: token) else { return (valid, nil) }
                    steps.append(position)
                    current = object.values[position]
                case .array(let elements):
                    guard let index = Int(token), elements.indices.contains(index) else { return (valid, nil) }
                    steps.append(index)
                    current = elements[index]
                default:
                    return (valid, nil)
                }
            }
            checks.append((check.keyword, lower..<steps.count, check.outcome))
        }
        checks.sort { a, b in steps[a.steps].lexicographicallyPrecedes(steps[b.steps]) }
        var nodes: [Int] = []
        for check in checks {
            guard let node = JSONTape.node(atSteps: steps[check.steps], in: instance) else { return (valid, nil) }
            nodes.append(node)
        }
        return (
            valid,
            ValidationTrace(
                isValid: valid, checks: checks, steps: steps, nodes: nodes, nodeCount: JSONTape.nodeCount(of: instance),
                owner: arena)
        )
    }

    /// Whether `instance` is valid, decided by replaying `trace`, recorded by this schema on an instance of
    /// the same structure: only the value-reading checks run. `nil` when the trace does not decide (another
    /// outcome at some check, a place missing, or a trace of another schema): then use `isValid`.
    public func isValid(_ instance: JSONValue, replaying trace: ValidationTrace) -> Bool? {
        guard trace.owner === arena else { return nil }
        var evaluation = Evaluation(
            buildsOutput: false, annotatedKeywords: nil, tracksDynamicScope: usesDynamicReferences)
        let agrees = Self.replay(trace, trace.checks.indices, at: instance, depth: 0, &evaluation)
        return agrees ? trace.isValid : nil
    }

    /// The same for a document read as a tape (`JSONTape`) of the recorded instance's structure (whose node
    /// numbers the trace knows: the caller must know the structure is the same). A string's
    /// `pattern` and length are checked on its bytes where they lie; any other check runs on the value made
    /// from its place's node (a place checked twice is made once). Nothing else of the document is made.
    public func isValid(_ tape: JSONTape, replaying trace: ValidationTrace) -> Bool? {
        guard trace.owner === arena, tape.count == trace.nodeCount else { return nil }
        let memo = StringVerdictMemo.forThisThread()
        // Made at the first check the tape cannot decide in place: most messages have none.
        var evaluation: Evaluation? = nil
        var madeAt = -1
        var value = JSONValue.null
        for (index, check) in trace.checks.enumerated() {
            let node = trace.nodes[index]
            if let outcome = Self.outcome(of: check.keyword, at: node, of: tape, memo) {
                guard outcome == check.outcome else { return nil }
                continue
            }
            if node != madeAt {
                value = tape.value(at: node)
                madeAt = node
            }
            if evaluation == nil {
                evaluation = Evaluation(
                    buildsOutput: false, annotatedKeywords: nil, tracksDynamicScope: usesDynamicReferences)
            }
            var evaluated: Evaluated? = nil
            guard check.keyword.evaluate(value, &evaluation!, &evaluated) == check.outcome else { return nil }
        }
        return trace.isValid
    }

    /// The outcome of a keyword on the tape's value at `node` decided where it lies, as the keyword's
    /// `evaluate` decides it on the value made: on a string, `pattern`, `maxLength`, `minLength` and `enum` read
    /// its bytes; on a number, a boolean or null (made without allocating), the four bounds (their `holds`,
    /// which their `evaluate` calls), `enum`, `const` and `type` (the comparison their `evaluate` makes)
    /// decide on it. `nil` for any other keyword or value: the caller evaluates it.
    @inline(__always)
    private static func outcome(
        of keyword: CompiledKeyword, at node: Int, of tape: JSONTape, _ memo: StringVerdictMemo
    ) -> Bool? {
        switch tape.kind(at: node) {
        case .string:
            switch keyword {
            case .pattern(let k):
                // A match that fails on a limit is a failed check, as `evaluate` reports it.
                return (try? k.regex.matches(utf8: tape.stringBytes(at: node), memo: memo)) ?? false
            case .maxLength(let k):
                let bytes = tape.stringBytes(at: node)
                return bytes.count <= k.limit || scalarCount(bytes) <= k.limit
            case .minLength(let k):
                let bytes = tape.stringBytes(at: node)
                return bytes.count / 4 >= k.limit || scalarCount(bytes) >= k.limit
            case .enum(let k):
                return k.holds(stringBytes: tape.stringBytes(at: node))
            default:
                return nil
            }
        case .integer, .real, .true, .false, .null:
            switch keyword {
            case .maximum(let k): return k.holds(tape.value(at: node))
            case .minimum(let k): return k.holds(tape.value(at: node))
            case .exclusiveMaximum(let k): return k.holds(tape.value(at: node))
            case .exclusiveMinimum(let k): return k.holds(tape.value(at: node))
            case .enum(let k): return k.values.contains(tape.value(at: node))
            case .const(let k): return tape.value(at: node) == k.value
            case .type(let k): return k.types.admits(tape.value(at: node))
            default: return nil
            }
        case .array, .object:
            return nil
        }
    }

    /// The code points of valid UTF-8: its bytes that are not continuation bytes.
    private static func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// Runs the checks `range` (sorted by place, all under the place `value` is, `depth` steps deep) and
    /// tells whether each gives its recorded outcome: the checks at `value` itself first, then, child by
    /// child, those below.
    private static func replay(
        _ trace: ValidationTrace, _ range: Range<Int>, at value: JSONValue, depth: Int, _ e: inout Evaluation
    ) -> Bool {
        var next = range.lowerBound
        while next < range.upperBound, trace.checks[next].steps.count == depth {
            var evaluated: Evaluated? = nil
            let check = trace.checks[next]
            guard check.keyword.evaluate(value, &e, &evaluated) == check.outcome else { return false }
            next += 1
        }
        while next < range.upperBound {
            let step = trace.steps[trace.checks[next].steps.lowerBound + depth]
            var end = next + 1
            while end < range.upperBound, trace.steps[trace.checks[end].steps.lowerBound + depth] == step { end += 1 }
            switch value {
            case .object(let object) where step < object.count:
                guard replay(trace, next..<end, at: object.values[step], depth: depth + 1, &e) else { return false }
            case .array(let elements) where step < elements.count:
                guard replay(trace, next..<end, at: elements[step], depth: depth + 1, &e) else { return false }
            default:
                return false
            }
            next = end
        }
        return true
    }
}
