import AuditModel
import Bytes
import JSONCore
import JSONSchema
import Synchronization

/// The structure of a message without its values: its `JSONShape` (the type at every place, the keys of every
/// object in order, the length of every array). Two messages with the same structure get the same shape,
/// generation, privacy annotations and role places from the schemas, because the annotation walk only looks
/// at keys, array positions and types; so what the schemas say about a structure is worked out once
/// (`MessagePlan`) and reused for every message of that structure, which in a real stream is nearly all.
struct MessageStructure: Hashable, Sendable {
    let shape: JSONShape

    /// Structures longer than this are not cached (a huge or hostile message is planned on its own), which
    /// bounds the cache's memory.
    static let maxBytes = 2048

    /// `nil` when the structure is longer than `maxBytes`.
    init?(of value: JSONValue) {
        guard let shape = JSONShape(of: value, limit: Self.maxBytes) else { return nil }
        self.shape = shape
    }

    /// The shape the parser wrote while reading the message (`JSONValue.parse(_:options:shapeLimit:)`).
    init?(parsed shape: JSONShape?) {
        guard let shape, shape.bytes.count <= Self.maxBytes else { return nil }
        self.shape = shape
    }
}

/// One place of a message that carries a role (`correlator`, `start-time`, `component-name`...), with the
/// member and element positions that lead to it, so that its value is found without looking up a key. Which
/// role it carries is told by the plan's `roleRanges`.
struct RolePlace: Sendable {
    var pointer: JSONPointer
    /// Member positions in objects and element indices in arrays, from the root.
    var steps: [Int]

    func value(in message: JSONValue) -> JSONValue? { MessagePlan.value(at: steps, in: message) }
}

/// A place the personal-data rule looks at, in the order of a depth-first walk of the message.
enum TextPlace: Sendable {
    /// An object key holding personal data: keys are part of the structure, so this is found once per plan.
    case key(JSONPointer, [PersonalDataDetector.Match])
    /// A string value, scanned in every message: the n-th `value` place is the n-th string of the message
    /// in depth-first order (members and elements in their order). A component name is dotted code, never a
    /// host name.
    case value(pointer: JSONPointer, isComponentName: Bool)

    /// What a place is, without its pointer: what the personal-data scan reads at every string of every
    /// message (reading the place itself copies its pointer, a retain and a release).
    enum Kind: UInt8, Sendable {
        case key, value, componentName
    }

    var kind: Kind {
        switch self {
        case .key: .key
        case .value(_, let isComponentName): isComponentName ? .componentName : .value
        }
    }

    var pointer: JSONPointer {
        switch self {
        case .key(let pointer, _), .value(let pointer, _): pointer
        }
    }
}

/// What the schemas say about every message of one structure: built once per structure, then shared by
/// every thread. Everything here depends only on the structure, never on a value.
final class MessagePlan: Sendable {
    let shape: SchemaDocument
    /// The schema a start message of this shape is validated against, by its declared level (index 0 when
    /// it declares none, or is not a start): looked up once here rather than for every message.
    let schemaByLevel: [SchemaDocument]
    let kind: MessageKind
    let generation: String
    /// Generations without per-level start documents, whose messages are judged as level 3.
    let isAllOrNothing: Bool
    /// The shape is a generation that sent bare JSON (before April 2024).
    let hasBareFraming: Bool
    /// The levels at which this shape's generations send end messages.
    let endLevels: Set<Int>
    let annotations: [LocatedAnnotation]
    /// The role places, each place once per role, grouped by role (`FieldRole.allCases` order).
    let rolePlaces: [RolePlace]
    /// For each role (by its position in `FieldRole.allCases`), its range in `rolePlaces`.
    let roleRanges: [Range<Int>]
    /// The role places sorted by place (a place before the places inside it), the order in which one walk
    /// of a message meets them (`roleValues(in:)`): each one's index in `rolePlaces`, its depth, its steps.
    private let roleWalk: [(target: Int, depth: Int)]
    private let roleWalkSteps: [[Int]]
    /// The places that disclose `forbidden` or `identifying` data, each once, in annotation order.
    let forbiddenPlaces: [DisclosingPlace]
    let identifyingPlaces: [DisclosingPlace]
    /// The tape node of each of `rolePlaces`, and the number of nodes of a tape of this structure.
    let roleNodes: [Int]
    let nodeCount: Int
    /// Outermost configuration and execution disclosures above each level, indexed by level 0...3.
    let configurationAbove: [[LocatedAnnotation]]
    let executionAbove: [[LocatedAnnotation]]
    /// Indices in the component list of the components without execution detail (the end message's
    /// DataFlowKernel excluded): what must match between a session's start and end.
    let configurationComponentIndices: [Int]
    /// Where the component list's elements begin among the elements the fast reader notes the places of
    /// (those of the arrays that are members of the message: `JSONValue.parseNotingElements`): the count of
    /// the elements of the array members written before it. `nil` when the list is not such a member.
    let componentListNotedBase: Int?

    /// Every string value, and every key that holds personal data, in depth-first order.
    let textPlaces: [TextPlace]
    /// The kind of each of `textPlaces`.
    let textPlaceKinds: [TextPlace.Kind]
    /// What the schema validator keeps about this structure; `nil` for a plan made for one message and not
    /// remembered, where keeping anything would only cost.
    let validationMemo: StructureMemo?

    init(for object: JSONObject, schemas: ParslSchemaSet, remembered: Bool = true) {
        validationMemo = remembered ? StructureMemo() : nil
        let message = JSONValue.object(object)
        let shape = schemas.bestShape(for: object)
        self.shape = shape
        kind = shape.messageKind ?? .unknown
        schemaByLevel = [shape] + (1...3).map { level in schemas.schema(like: shape, level: level) }
        generation = schemas.generation(of: object, shape: shape)
        isAllOrNothing = schemas.isAllOrNothing(shape)
        hasBareFraming = shape.framing == "bare"
        endLevels = schemas.levels(of: .end, generations: shape.generations)
        let annotations = schemas.annotations(of: message, under: shape)
        self.annotations = annotations

        var places: [RolePlace] = []
        var ranges: [Range<Int>] = []
        for role in FieldRole.allCases {
            assert(role.ordinal == ranges.count)
            let lower = places.count
            for annotation in annotations where annotation.role == role {
                guard !places[lower...].contains(where: { $0.pointer == annotation.pointer }),
                    let steps = Self.steps(to: annotation.pointer, in: message)
                else { continue }
                places.append(RolePlace(pointer: annotation.pointer, steps: steps))
            }
            ranges.append(lower..<places.count)
        }
        rolePlaces = places
        roleRanges = ranges
        let order = places.indices.sorted { places[$0].steps.lexicographicallyPrecedes(places[$1].steps) }
        roleWalk = order.map { index in (target: index, depth: places[index].steps.count) }
        roleWalkSteps = order.map { index in places[index].steps }

        func placesDisclosing(_ disclosure: Disclosure) -> [DisclosingPlace] {
            var seen = Set<JSONPointer>()
            return annotations.filter { $0.discloses == disclosure && seen.insert($0.pointer).inserted }.map {
                let node = Self.steps(to: $0.pointer, in: message).flatMap { JSONTape.node(atSteps: $0, in: message) }
                return DisclosingPlace(pointer: $0.pointer, node: node)
            }
        }
        forbiddenPlaces = placesDisclosing(.forbidden)
        identifyingPlaces = placesDisclosing(.identifying)
        let roleNodes = places.map { JSONTape.node(atSteps: $0.steps, in: message) }
        self.roleNodes = roleNodes.map { $0 ?? 0 }
        // Every place has its node (its steps come from this message); were one missing, no tape would match
        // the count, and every message of the plan would go to the tree.
        nodeCount = roleNodes.contains(nil) ? -1 : JSONTape.nodeCount(of: message)
        configurationAbove = (0...3).map { Self.outermost(annotations, disclosing: .configuration, above: $0) }
        executionAbove = (0...3).map { Self.outermost(annotations, disclosing: .execution, above: $0) }

        var componentIndices: [Int] = []
        let listRange = ranges[FieldRole.componentList.ordinal]
        if let list = listRange.first.map({ places[$0] }), case .array(let elements)? = list.value(in: message) {
            let executionPointers = annotations.filter { $0.discloses == .execution }.map(\.pointer)
            componentIndices = elements.indices.filter { index in
                let element = list.pointer.appending(index)
                return !executionPointers.contains { $0.tokens.starts(with: element.tokens) }
            }
        }
        configurationComponentIndices = componentIndices
        if let list = listRange.first.map({ places[$0] }), list.steps.count == 1, list.steps[0] < object.count,
            case .array = object.values[list.steps[0]]
        {
            componentListNotedBase = object.values[..<list.steps[0]].reduce(0) { count, member in
                if case .array(let elements) = member { count + elements.count } else { count }
            }
        } else {
            componentListNotedBase = nil
        }

        let componentNames = Set(places[ranges[FieldRole.componentName.ordinal]].map(\.pointer))
        var textPlaces: [TextPlace] = []
        var path: [String] = []
        // The depth-first order in which the personal-data rule walks every message of this structure.
        func collect(_ value: JSONValue) {
            switch value {
            case .string:
                let pointer = JSONPointer(tokens: path)
                textPlaces.append(.value(pointer: pointer, isComponentName: componentNames.contains(pointer)))
            case .array(let elements):
                for (index, element) in elements.enumerated() {
                    path.append(String(index))
                    collect(element)
                    path.removeLast()
                }
            case .object(let object):
                for (key, member) in object {
                    path.append(key)
                    let matches = PersonalDataDetector.matches(in: key)
                    if !matches.isEmpty { textPlaces.append(.key(JSONPointer(tokens: path), matches)) }
                    collect(member)
                    path.removeLast()
                }
            default: break
            }
        }
        collect(message)
        self.textPlaces = textPlaces
        textPlaceKinds = textPlaces.map(\.kind)
    }

    /// The values at the role places of `message` (a message of this structure), in `rolePlaces` order:
    /// one walk that enters only the containers holding a role place, where looking each place up from the
    /// root would walk the way down once per place.
    func roleValues(in message: JSONValue) -> [JSONValue] {
        // Filled in one go: `Array(repeating:count:)` stores its element through a generic loop, about 700
        // instructions for a message's role places.
        var values = [JSONValue](unsafeUninitializedCapacity: rolePlaces.count) { buffer, count in
            buffer.initialize(repeating: .null)
            count = buffer.count
        }
        roleWalk.withUnsafeBufferPointer { walk in
            roleWalkSteps.withUnsafeBufferPointer { steps in
                Self.collectRoleValues(walk, steps, 0..<walk.count, at: message, depth: 0, into: &values)
            }
        }
        return values
    }

    private static func collectRoleValues(
        _ walk: UnsafeBufferPointer<(target: Int, depth: Int)>, _ steps: UnsafeBufferPointer<[Int]>,
        _ range: Range<Int>, at value: JSONValue, depth: Int, into values: inout [JSONValue]
    ) {
        var next = range.lowerBound
        while next < range.upperBound, walk[next].depth == depth {
            values[walk[next].target] = value
            next += 1
        }
        while next < range.upperBound {
            let step = steps[next][depth]
            var end = next + 1
            while end < range.upperBound, steps[end][depth] == step { end += 1 }
            switch value {
            case .object(let object) where step < object.count:
                collectRoleValues(walk, steps, next..<end, at: object.values[step], depth: depth + 1, into: &values)
            case .array(let elements) where step < elements.count:
                collectRoleValues(walk, steps, next..<end, at: elements[step], depth: depth + 1, into: &values)
            default:
                break
            }
            next = end
        }
    }

    /// The first place that carries `role` in this structure.
    func pointer(of role: FieldRole) -> JSONPointer? {
        roleRanges[role.ordinal].first.map { rolePlaces[$0].pointer }
    }

    /// The value at member positions and element indices `steps`, or `nil` when the message has another
    /// structure. Recursive, so that each level is borrowed rather than copied (a loop that reassigns the
    /// current value retains and releases every container on the way: most of this lookup's cost).
    static func value(at steps: [Int], in message: JSONValue) -> JSONValue? {
        value(at: steps[...], in: message)
    }

    private static func value(at steps: ArraySlice<Int>, in value: JSONValue) -> JSONValue? {
        guard let step = steps.first else { return value }
        switch value {
        case .object(let object) where step < object.count:
            return Self.value(at: steps.dropFirst(), in: object.values[step])
        case .array(let elements) where step < elements.count:
            return Self.value(at: steps.dropFirst(), in: elements[step])
        default: return nil
        }
    }

    /// The positions leading to `pointer` in `message`, or `nil` when it does not resolve.
    private static func steps(to pointer: JSONPointer, in message: JSONValue) -> [Int]? {
        var steps: [Int] = []
        var current = message
        for token in pointer.tokens {
            switch current {
            case .object(let object):
                guard let position = object.position(of: token) else { return nil }
                steps.append(position)
                current = object.values[position]
            case .array(let elements):
                guard let index = Int(token), elements.indices.contains(index) else { return nil }
                steps.append(index)
                current = elements[index]
            default: return nil
            }
        }
        return steps
    }

    /// Annotations that disclose `disclosure` above `level`, outermost only (once `/components` is reported,
    /// the members inside it are not reported again), in pointer order.
    static func outermost(_ annotations: [LocatedAnnotation], disclosing disclosure: Disclosure, above level: Int)
        -> [LocatedAnnotation]
    {
        let matching = annotations.filter { $0.discloses == disclosure && ($0.minimumLevel ?? 0) > level }
            .sorted { $0.pointer.tokens.count < $1.pointer.tokens.count }
        var kept: [LocatedAnnotation] = []
        for candidate in matching
        where !kept.contains(where: { candidate.pointer.tokens.starts(with: $0.pointer.tokens) }) {
            kept.append(candidate)
        }
        return kept.sorted { $0.pointer < $1.pointer }
    }
}

/// What the schema validator keeps about one message structure (`MessageSchemaValidator`): the trace of a
/// valid message per schema, which decides the validity of the structure's next messages by their values
/// alone, beside the compiled schema it replays (so that a replay does not look the schema up by its id,
/// which hashes the id's text: 600 instructions a message). Shared by the threads like the plan that holds it.
public final class StructureMemo: Sendable {
    /// A plan has a few candidate schemas (one per level at most): a short list beats hashing their ids.
    private let traces = Mutex<[(schemaID: String, schema: Schema, trace: ValidationTrace)]>([])

    /// The trace remembered for `schemaID` and the schema it was recorded with.
    func replay(for schemaID: String) -> (schema: Schema, trace: ValidationTrace)? {
        traces.withLock { traces in traces.first { $0.schemaID == schemaID }.map { ($0.schema, $0.trace) } }
    }

    func trace(for schemaID: String) -> ValidationTrace? { replay(for: schemaID)?.trace }

    func remember(_ trace: ValidationTrace, of schema: Schema, for schemaID: String) {
        traces.withLock { traces in
            if !traces.contains(where: { $0.schemaID == schemaID }) { traces.append((schemaID, schema, trace)) }
        }
    }
}

/// The plans of the structures seen so far, shared by every thread of a run. Bounded: when full it starts
/// afresh, so a stream of ever-new structures (hostile or fuzzed input) costs time, never memory.
final class MessagePlanCache: Sendable {
    static let capacity = 512
    private let plans = Mutex<[MessageStructure: MessagePlan]>([:])
    /// The same plans by their shape's digest, for a lookup by the bytes of a shape (`known(shapeBytes:)`),
    /// which makes no `JSONShape`: the first plan of a digest only (another of the same digest is looked up
    /// by its structure).
    private let byDigest = Mutex<[UInt64: (shape: JSONShape, plan: MessagePlan)]>([:])

    /// How many structures are remembered.
    var count: Int { plans.withLock { $0.count } }

    /// The plan remembered for the structure whose shape's encoding is `shapeBytes` (a tape's), if there is
    /// one and it is the first of its digest.
    func known(shapeBytes: UnsafeBufferPointer<UInt8>) -> MessagePlan? {
        guard shapeBytes.count <= MessageStructure.maxBytes else { return nil }
        let digest = JSONShape.digest(of: UnsafeRawBufferPointer(shapeBytes))
        guard let (shape, plan) = byDigest.withLock({ $0[digest] }),
            shape.bytes.hasSameBytes(as: UnsafeRawBufferPointer(shapeBytes))
        else { return nil }
        return plan
    }

    /// The plan for `object`'s structure, built and remembered on first sight. `shape` is the structure
    /// the parser wrote, when it did; otherwise it is worked out from the object.
    func plan(for object: JSONObject, shape: JSONShape? = nil, schemas: ParslSchemaSet) -> MessagePlan {
        guard let structure = MessageStructure(parsed: shape) ?? MessageStructure(of: .object(object)) else {
            return MessagePlan(for: object, schemas: schemas, remembered: false)
        }
        if let known = plans.withLock({ $0[structure] }) { return known }
        let plan = MessagePlan(for: object, schemas: schemas)
        plans.withLock { plans in
            if plans.count >= Self.capacity { plans.removeAll(keepingCapacity: true) }
            plans[structure] = plan
        }
        byDigest.withLock { byDigest in
            if byDigest.count >= Self.capacity { byDigest.removeAll(keepingCapacity: true) }
            let digest = structure.shape.encodingDigest
            if byDigest[digest] == nil { byDigest[digest] = (structure.shape, plan) }
        }
        return plan
    }
}

/// A place of a message structure that discloses forbidden or identifying data: its pointer, and its node in
/// a tape of that structure (`JSONTape`), found once per structure so that reading the value from a tape
/// looks nothing up by pointer (hashing a pointer cost about 500 instructions a read).
struct DisclosingPlace: Sendable {
    let pointer: JSONPointer
    let node: Int?
}
