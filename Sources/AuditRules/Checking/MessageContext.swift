import AuditModel
import JSONCore

/// How a message was framed where it was found.
public enum Framing: String, Sendable {
    /// Protocol byte `1` then JSON: today's protocol.
    case versioned
    /// Bare JSON in a datagram: the legacy protocol before April 2024.
    case bare
    /// An NDJSON line: no framing to judge.
    case ndjson
    /// A `parsl.log` line: the dict that `json.dumps` would have sent.
    case logged
}

/// Everything the message rules look at for one decoded message. Built once per message; rules only read it.
/// What depends only on the message's structure (shape, annotations, role places) comes from its shared
/// `MessagePlan`; the rest (values, level, validation) is this message's own. Not `Sendable`: it may lend
/// a tape (`JSONTape`), which points into the bytes being audited and lives only while they are.
public struct MessageContext {
    public let source: String
    public let locator: Locator
    public let framing: Framing
    /// The message. Made from the tape each time it is asked for, when the message was read as one
    /// (`values`): the rules read such a message through its role values, `value(at:)` and the tape's
    /// strings, and only `InvalidJSONRule` reads this, for logged messages, which are never tapes.
    public var message: JSONValue {
        switch values {
        case .tree(let message, _): message
        case .tape(let tape): tape.value(at: JSONTape.root)
        }
    }
    /// The message as an object (see `message`).
    public var object: JSONObject {
        switch values {
        case .tree(_, let object): object
        case .tape(let tape): tape.value(at: JSONTape.root).objectValue ?? JSONObject()
        }
    }
    /// Where the message's values are read from: its tree, or the tape it was read into (`JSONTape`).
    let values: Values
    enum Values {
        case tree(JSONValue, JSONObject)
        case tape(JSONTape)
    }
    /// The schema it is validated against (the one for its level, when the shape has levels).
    public let schema: SchemaDocument
    /// `tracking_level` as sent, when it is a level.
    public let declaredLevel: Int?
    /// The level the message is judged at: `--level`, else its own, else (all-or-nothing generations) 3.
    /// `nil` for end messages, which take their session's level later.
    public let judgedLevel: Int?
    public let correlator: String?
    public let schemaViolations: [SchemaViolation]
    /// What the run was told (`--level`, `--allow-namespace`, `--identities`...), read through the run's one
    /// shared copy: the struct inline was copied into every message's context and destroyed with it.
    public var configuration: CheckConfiguration { shared.value }
    private let shared: SharedConfiguration
    let plan: MessagePlan
    /// The values at the plan's role places, in the same order. From a tape, a container's place and a
    /// component name's (`madeWhenRead`) hold `null` here and the value is made when it is read
    /// (`RoleValues`), from its node (`roleNodes`).
    private let roleValues: [JSONValue]
    private let roleNodes: [Int]
    /// The role places whose strings, from a tape, are made only when read: the component names, three or
    /// four a message, which only the test for the user's own code reads, and it reads their bytes.
    private let madeWhenRead: Range<Int>
    /// The component names outside the allowed namespaces, with their places: the user's own code, which
    /// one rule reports and the session step masks (worked out once for both).
    public let userCodeComponents: [(pointer: JSONPointer, name: String)]

    init(
        source: String, locator: Locator, framing: Framing, values: Values, plan: MessagePlan,
        schema: SchemaDocument, declaredLevel: Int?, judgedLevel: Int?, correlator: String?,
        schemaViolations: [SchemaViolation], configuration: SharedConfiguration,
        roleValues: [JSONValue], roleNodes: [Int] = []
    ) {
        self.source = source
        self.locator = locator
        self.framing = framing
        self.values = values
        self.roleNodes = roleNodes
        self.plan = plan
        self.schema = schema
        self.declaredLevel = declaredLevel
        self.judgedLevel = judgedLevel
        self.correlator = correlator
        self.schemaViolations = schemaViolations
        shared = configuration
        self.roleValues = roleValues
        let names = Self.namesMadeWhenRead(in: plan)
        var userCode: [(pointer: JSONPointer, name: String)] = []
        switch values {
        case .tree:
            madeWhenRead = 0..<0
            for index in names {
                guard case .string(let name) = roleValues[index], !configuration.value.isAllowedComponent(name) else {
                    continue
                }
                userCode.append((plan.rolePlaces[index].pointer, name))
            }
        case .tape(let tape):
            madeWhenRead = names
            for index in names {
                let node = roleNodes[index]
                guard tape.kind(at: node) == .string else { continue }
                let byBytes = configuration.value.isAllowedComponent(utf8: tape.stringBytes(at: node))
                if byBytes == true { continue }
                let name = tape.value(at: node).stringValue!
                // Only when the bytes could not tell does the string comparison decide.
                if byBytes == nil && configuration.value.isAllowedComponent(name) { continue }
                userCode.append((plan.rolePlaces[index].pointer, name))
            }
        }
        userCodeComponents = userCode
    }

    public var kind: MessageKind { plan.kind }
    /// The schema whose shape the message has (kind and generation).
    public var shape: SchemaDocument { plan.shape }
    public var generation: String { plan.generation }
    /// The privacy annotations at every place of the message.
    public var annotations: [LocatedAnnotation] { plan.annotations }

    /// A finding of `rule` about this message, at its default severity.
    public func finding(
        _ rule: RuleDescriptor, at pointer: JSONPointer = .root, _ text: String, sensitive: [String] = []
    ) -> Finding {
        Finding(
            rule, source: source, locator: locator, pointer: pointer, level: judgedLevel, correlator: correlator,
            message: text, sensitiveValues: sensitive)
    }

    /// The fields carrying a role, with their values, each place once.
    public func values(withRole role: FieldRole) -> RoleValues {
        var tape: JSONTape?
        if case .tape(let read) = values { tape = read }
        return RoleValues(
            places: plan.rolePlaces, values: roleValues, range: plan.roleRanges[role.ordinal], tape: tape,
            nodes: roleNodes, madeWhenRead: madeWhenRead)
    }

    /// The value at the role place `index` (of the plan's `rolePlaces`), as `values(withRole:)` gives it,
    /// without making that collection (which copies three arrays: a tenth of a rule's cost, for the rules that
    /// read one value of every message).
    func roleValue(_ index: Int) -> JSONValue {
        var tape: JSONTape?
        if case .tape(let read) = values { tape = read }
        return Self.roleValue(index, roleValues, roleNodes, tape, madeWhenRead)
    }

    /// The value at role place `index`: the one kept, or, for a container's place or a place `madeWhenRead`
    /// on a tape, the one made from its node.
    fileprivate static func roleValue(
        _ index: Int, _ values: [JSONValue], _ nodes: [Int], _ tape: JSONTape?, _ madeWhenRead: Range<Int>
    ) -> JSONValue {
        if let tape, isMadeWhenRead(index, at: nodes[index], of: tape, names: madeWhenRead) {
            return tape.value(at: nodes[index])
        }
        return values[index]
    }

    /// The value at the first place of `role`, if the message has one.
    func firstValue(withRole role: FieldRole) -> JSONValue? {
        plan.roleRanges[role.ordinal].first.map(roleValue)
    }

    /// The places of one role with their values: pairs made as they are read, so that the context keeps
    /// only the values (the pointers stay in the shared plan).
    public struct RoleValues: RandomAccessCollection {
        fileprivate let places: [RolePlace]
        fileprivate let values: [JSONValue]
        fileprivate let range: Range<Int>
        fileprivate let tape: JSONTape?
        fileprivate let nodes: [Int]
        fileprivate let madeWhenRead: Range<Int>

        public var startIndex: Int { range.lowerBound }
        public var endIndex: Int { range.upperBound }
        public subscript(position: Int) -> (pointer: JSONPointer, value: JSONValue) {
            (places[position].pointer, MessageContext.roleValue(position, values, nodes, tape, madeWhenRead))
        }
    }

    /// The value at a place of the plan's forbidden or identifying places, as `pointer.resolve(in: message)`
    /// gives it; from a tape, at the place's node, so that the rules reading those fields do not make the
    /// message's tree.
    func value(at place: DisclosingPlace) -> JSONValue? {
        switch values {
        case .tree(let message, _):
            return place.pointer.resolve(in: message)
        case .tape(let tape):
            guard let node = place.node else { return place.pointer.resolve(in: message) }
            return tape.value(at: node)
        }
    }

    /// The tape node of the role place at `index` of the plan's `rolePlaces`, when the message was read as a
    /// tape.
    func roleNode(_ index: Int) -> Int? { roleNodes.indices.contains(index) ? roleNodes[index] : nil }

    /// The role places whose strings, from a tape, are made only when read (`madeWhenRead`): the plan's
    /// component names.
    static func namesMadeWhenRead(in plan: MessagePlan) -> Range<Int> {
        plan.roleRanges[FieldRole.componentName.ordinal]
    }

    /// Whether a tape's value at role place `index` (at `node`) is made only when read: a place among `names`
    /// (`namesMadeWhenRead(in:)`), or a container's, whatever its role. The record auditor leaves these places
    /// `null` in the values it hands over (see `roleValues`).
    @inline(__always)
    static func isMadeWhenRead(_ index: Int, at node: Int, of tape: JSONTape, names: Range<Int>) -> Bool {
        if names.contains(index) { return true }
        let kind = tape.kind(at: node)
        return kind == .array || kind == .object
    }

    /// For the level rules: the judged level and the fields disclosing `kind` above it, outermost only, or
    /// `nil` when the rules do not apply (end messages take their session's level; with tracking off every
    /// message is the violation, `level.sent-while-disabled`, not its fields).
    public func levelDisclosures(of kind: Disclosure) -> (level: Int, fields: [LocatedAnnotation])? {
        guard self.kind == .start, let level = judgedLevel, !configuration.level.isDisabled else { return nil }
        switch kind {
        case .configuration where (0...3).contains(level): return (level, plan.configurationAbove[level])
        case .execution where (0...3).contains(level): return (level, plan.executionAbove[level])
        default: return (level, MessagePlan.outermost(annotations, disclosing: kind, above: level))
        }
    }
}

/// A run's `CheckConfiguration` behind one reference (`MessageContext.configuration`).
final class SharedConfiguration: Sendable {
    let value: CheckConfiguration

    init(_ value: CheckConfiguration) { self.value = value }
}

/// An audit rule: a stable id, a default severity and help, in one file each under `Rules/`.
public protocol AuditRule: Sendable {
    static var descriptor: RuleDescriptor { get }
}

/// A rule that judges one decoded message on its own (so messages can be checked in parallel).
public protocol MessageRule: AuditRule {
    init()
    func check(_ context: MessageContext, into findings: inout [Finding])
    /// `check` of a new instance (rules hold no state): what the checker calls, through the rule's type.
    static func checkMessage(_ context: MessageContext, into findings: inout [Finding])
}

extension MessageRule {
    public static func checkMessage(_ context: MessageContext, into findings: inout [Finding]) {
        Self().check(context, into: &findings)
    }
}

/// Validates a message against one schema of the set: the seam between the checker and the schema engine.
public protocol MessageSchemaValidator: Sendable {
    func violations(of message: JSONValue, against schemaID: String) -> [SchemaViolation]
    /// The same, for a message of the structure `memo` belongs to: the validator may keep there what lets it
    /// validate the next messages of that structure faster.
    func violations(of message: JSONValue, against schemaID: String, memo: StructureMemo) -> [SchemaViolation]
}

extension MessageSchemaValidator {
    public func violations(of message: JSONValue, against schemaID: String, memo: StructureMemo) -> [SchemaViolation] {
        violations(of: message, against: schemaID)
    }
}
