import AuditInputs
import AuditModel
import JSONCore

/// What one record came to before the session step: its message (if it holds one), its findings, and the
/// facts the session step needs.
public struct RecordVerdict: Sendable {
    public var message: AuditedMessage?
    public var findings: [Finding]
    var session: SessionFacts?

    /// Gives the record's bytes, when its reader knew them, to its message and to the findings about it
    /// (SARIF's region), and says of each finding at the message's place that it is about that message
    /// (`Finding.subject`), so report preparation need not pair them. Runs on the auditing threads.
    mutating func place(in record: InputRecord) {
        let locator = record.locator
        if let region = record.region {
            message?.region = region
            for index in findings.indices where findings[index].locator == locator { findings[index].region = region }
        }
        guard let kind = message?.kind, message?.locator == locator else { return }
        let subject = Finding.Subject(kind: kind, region: message?.region)
        for index in findings.indices where findings[index].locator == locator && findings[index].subject == nil {
            findings[index].subject = subject
        }
    }
    /// The message's identity for matching its sightings: its generation and its canonical JSON (keys
    /// sorted), or for a datagram that could not be decoded, its bytes; `nil` when it cannot be matched.
    var content: ContentIdentity?
    /// The capture interface the record was seen on.
    var interface = 0
    /// Whether it was seen on the wire (a capture or journal) or in a client's log, for `--reconcile`.
    var origin = SightingOrigin.other

    /// The verdict `make` initializes in a temporary slot, moved out: for the callers of the auditor's
    /// functions that make verdicts in place and want one returned.
    static func made(by make: (UnsafeMutablePointer<RecordVerdict>) -> Void) -> RecordVerdict {
        madeIfAny { slot in
            make(slot)
            return true
        }!
    }

    /// The same when `make` may decline: `nil` when it returns `false`, leaving the slot uninitialized.
    static func madeIfAny(by make: (UnsafeMutablePointer<RecordVerdict>) -> Bool) -> RecordVerdict? {
        withUnsafeTemporaryAllocation(of: RecordVerdict.self, capacity: 1) { slot in
            make(slot.baseAddress!) ? slot.baseAddress!.move() : nil
        }
    }
}

/// Which side of `--reconcile` a sighting is on.
struct SightingOrigin: OptionSet, Sendable, Hashable {
    let rawValue: UInt8
    /// A capture or a journal: what left the machine.
    static let wire = SightingOrigin(rawValue: 1)
    /// A `parsl.log`: what the client built.
    static let log = SightingOrigin(rawValue: 2)
    static let other: SightingOrigin = []
}

/// What the session step needs from a start or end message. Small on purpose: the session step runs on one
/// thread for every record, and whatever a worker puts here that thread must copy and release.
struct SessionFacts: Sendable {
    var kind: MessageKind
    /// The correlator as the session table's key.
    var key: SessionKey
    var level: Int?
    var startTime: Double?
    var endTime: Double?
    var duration: Double?
    /// The configuration components, without those that carry execution detail (the end message's DFK);
    /// only for end messages and the starts of sessions that will send one (the drift check's two sides).
    var configuration: SessionConfiguration?
    /// The message's plan: the levels at which its generation sends end messages, and where the correlator,
    /// the execution time and the component list sit (from the schemas' roles), for pointing findings.
    var plan: MessagePlan
    /// The component names outside the allowed namespaces (user code), for masking in a drift finding;
    /// only when `configuration` is kept.
    var userCodeNames: [String]
}

/// Audits one record on its own: decoding, classification, schema validation and every message rule.
/// `Sendable`, and never changed while it audits: one auditor serves every thread of a run (a run sets
/// `identifiesContent` on its own copy before its first batch).
public struct RecordAuditor: Sendable {
    public let schemas: ParslSchemaSet
    public let validator: any MessageSchemaValidator
    public let configuration: CheckConfiguration
    /// The same behind one reference, for every message's context (`MessageContext.configuration`).
    let sharedConfiguration: SharedConfiguration
    /// What the schemas say about each message structure seen so far.
    let plans = MessagePlanCache()
    /// Give each message its identity (`RecordVerdict.content`), so that the session step can tell a later
    /// sighting of it from a new message. A run that can see each message only once (one input, one
    /// interface: every repeat is a new send) turns it off, as the identity costs about a tenth of auditing.
    public var identifiesContent = true
    /// Read a message of a known structure as a tape (`analyze(_:text:...)`). Off, every message is analyzed
    /// from its tree: the reference the tests hold the tape to.
    var readsTapes = true

    public init(schemas: ParslSchemaSet, validator: any MessageSchemaValidator, configuration: CheckConfiguration) {
        self.schemas = schemas
        self.validator = validator
        self.configuration = configuration
        sharedConfiguration = SharedConfiguration(configuration)
    }

    /// An auditor that gives every record the same verdict as this one and shares none of its objects: its
    /// schemas read and compiled again, its own caches of message structures. For another thread of the
    /// run. Every message's audit counts references on the compiled schemas, the plans and the validation
    /// traces (about thirty a message); with one auditor for both threads, the two processors took those
    /// counts' cache lines from each other, which costs a run about 5% of its CPU time when the processors
    /// do not share a cache (`AuditRun`'s lanes; measured in interleaved pairs). `self` when the schemas
    /// cannot be compiled again here (a validator other than the engine's).
    public func independentCopy() -> RecordAuditor {
        guard validator is EngineSchemaValidator, let schemas = try? schemas.independentCopy(),
            let validator = try? EngineSchemaValidator(schemas: schemas)
        else { return self }
        var copy = RecordAuditor(
            schemas: schemas, validator: validator, configuration: configuration.independentCopy())
        copy.identifiesContent = identifiesContent
        copy.readsTapes = readsTapes
        return copy
    }

    /// Audits one record; its message and findings carry the record's network evidence and bytes
    /// (`RecordVerdict.place(in:)`). Without `keepingPayload` the decoded message is released here, on the
    /// thread that built it (freeing it on the session thread instead costs more than the whole session step).
    ///
    /// The functions below build the verdict whole in the slot they are handed, and it is finished there
    /// through one `inout` access: changing a returned verdict in place before returning it again cost a copy
    /// of it, dozens of reference counts a record. This one returns it, from a temporary slot: for one record
    /// at a time (`Checker.check`) and the tests.
    public func audit(_ record: InputRecord, source: String, keepingPayload: Bool = true) -> RecordVerdict {
        RecordVerdict.made { audit(record, source: source, keepingPayload: keepingPayload, into: $0) }
    }

    /// The same, the verdict made in `slot` (uninitialized memory; initialized on return): where the auditing
    /// threads keep it until the session step. Returned from function to function (through the tape's
    /// closure, an optional and the pipeline's store), a verdict of 360 bytes was moved about twenty times a
    /// record; each function below initializes the slot it is handed instead.
    public func audit(
        _ record: InputRecord, source: String, keepingPayload: Bool, into slot: UnsafeMutablePointer<RecordVerdict>
    ) {
        auditPayload(record, source: source, keepingPayload: keepingPayload, into: slot)
        finish(&slot.pointee, record: record, keepingPayload: keepingPayload)
    }

    private func finish(_ verdict: inout RecordVerdict, record: InputRecord, keepingPayload: Bool) {
        if !keepingPayload { verdict.message?.payload = nil }
        verdict.place(in: record)
        verdict.interface = record.interface
        if case .logged = record.payload { verdict.origin = .log }
        if let network = record.network {
            verdict.origin = .wire
            verdict.message?.network = network
            for i in verdict.findings.indices { verdict.findings[i].network = network }
        }
        if identifiesContent, !verdict.content.isPresent, verdict.message?.parsed == false,
            case .datagram(let bytes) = record.payload
        {
            verdict.content = ContentIdentity(undecoded: bytes)
        }
    }

    private func auditPayload(
        _ record: InputRecord, source: String, keepingPayload: Bool, into slot: UnsafeMutablePointer<RecordVerdict>
    ) {
        let locator = record.locator
        func unparsed(_ rule: RuleDescriptor, _ text: String, extra: [Finding] = []) {
            let finding = Finding(rule, source: source, locator: locator, message: text)
            let message = AuditedMessage(
                source: source, locator: locator, kind: .unknown, parsed: false, findings: extra.count + 1)
            slot.initialize(to: RecordVerdict(message: message, findings: extra + [finding], session: nil))
        }
        switch record.payload {
        case .problem(let problem):
            let (rule, text) = problem.report
            if problem.isMessage { return unparsed(rule, text) }
            let finding = Finding(rule, source: source, locator: locator, message: text)
            slot.initialize(to: RecordVerdict(message: nil, findings: [finding], session: nil))

        case .datagram(let bytes):
            var early: [Finding] = []
            if bytes.count > OversizeRule.limit {
                early.append(OversizeRule.finding(size: bytes.count, logged: false, source: source, locator: locator))
            }
            switch bytes.first {
            case UInt8(ascii: "1"):
                return decode(
                    bytes[1...], framing: .versioned, source: source, locator: locator, early: early,
                    keepingPayload: keepingPayload, into: slot)
            case UInt8(ascii: "{"):
                return decode(
                    bytes[...], framing: .bare, source: source, locator: locator, early: early,
                    keepingPayload: keepingPayload, into: slot)
            default:
                return unparsed(
                    UnknownVersionRule.descriptor, UnknownVersionRule.message(firstByte: bytes.first), extra: early)
            }

        case .json(let bytes):
            return decode(
                bytes[...], framing: .ndjson, source: source, locator: locator, early: [],
                keepingPayload: keepingPayload, into: slot)

        case .logged(_, let result):
            switch result {
            case .success(let value):
                var early: [Finding] = []
                let size = OversizeRule.wireSize(of: value)
                if size > OversizeRule.limit {
                    early.append(OversizeRule.finding(size: size, logged: true, source: source, locator: locator))
                }
                return analyze(value, framing: .logged, source: source, locator: locator, early: early, into: slot)
            case .failure(let error):
                return unparsed(LogUnparseableRule.descriptor, "the logged message cannot be read: \(error)")
            }
        }
    }

    private func decode(
        _ bytes: ArraySlice<UInt8>, framing: Framing, source: String, locator: Locator, early: [Finding],
        keepingPayload: Bool, into slot: UnsafeMutablePointer<RecordVerdict>
    ) {
        // A message of a structure seen before is read as a tape; the rest are parsed.
        if readsTapes {
            let made = bytes.withUnsafeBytes { raw in
                JSONTape.read(raw, options: configuration.parseOptions, shapeLimit: MessageStructure.maxBytes) {
                    tape in
                    analyze(
                        tape, text: raw, framing: framing, source: source, locator: locator, early: early,
                        keepingPayload: keepingPayload, into: slot)
                }
            }
            if made == true { return }
        }
        // The parser also writes the message's structure, which picks its plan.
        let parsed: Result<(value: JSONValue, shape: JSONShape?, elementBounds: [Int]?), JSONParseError> =
            bytes.withUnsafeBytes { raw in
                Result { () throws(JSONParseError) in
                    try JSONValue.parseNotingElements(
                        raw, options: configuration.parseOptions, shapeLimit: MessageStructure.maxBytes)
                }
            }
        switch parsed {
        case .success(let (value, shape, elementBounds)):
            analyze(
                value, shape: shape, text: elementBounds.map { (bytes, $0) }, framing: framing, source: source,
                locator: locator, early: early, into: slot)
        case .failure(let error):
            let rule: RuleDescriptor
            switch error.code {
            case .invalidUTF8: rule = InvalidUTF8Rule.descriptor
            case .duplicateKey: rule = DuplicateKeyRule.descriptor
            default: rule = InvalidJSONRule.descriptor
            }
            // Positions count from the JSON's first byte; the protocol byte shifts them by one on the wire.
            let shift = framing == .versioned ? 1 : 0
            let text = "\(error.message) at byte \(error.offset + shift) of the payload"
            let finding = Finding(
                rule, source: source, locator: locator, message: text, sensitiveValues: error.key.map { [$0] } ?? [])
            let message = AuditedMessage(
                source: source, locator: locator, kind: .unknown, parsed: false, findings: early.count + 1)
            slot.initialize(to: RecordVerdict(message: message, findings: early + [finding], session: nil))
        }
    }

    /// `text` is the message's JSON text with where the parser found the elements of its array members
    /// (`JSONValue.parseNotingElements`), when it knows them.
    func analyze(
        _ value: JSONValue, shape: JSONShape? = nil, text: (bytes: ArraySlice<UInt8>, elementBounds: [Int])? = nil,
        framing: Framing, source: String, locator: Locator, early: [Finding]
    ) -> RecordVerdict {
        RecordVerdict.made {
            analyze(
                value, shape: shape, text: text, framing: framing, source: source, locator: locator, early: early,
                into: $0)
        }
    }

    /// The same, the verdict made in `slot` (uninitialized; initialized on return).
    func analyze(
        _ value: JSONValue, shape: JSONShape? = nil, text: (bytes: ArraySlice<UInt8>, elementBounds: [Int])? = nil,
        framing: Framing, source: String, locator: Locator, early: [Finding],
        into slot: UnsafeMutablePointer<RecordVerdict>
    ) {
        guard case .object(let object) = value else {
            let rule = NotObjectRule.descriptor
            let finding = Finding(
                rule, source: source, locator: locator,
                message: "the message is a JSON \(value.typeName), not an object")
            slot.initialize(
                to: RecordVerdict(
                    message: AuditedMessage(
                        source: source, locator: locator, kind: .unknown, parsed: false, findings: early.count + 1),
                    findings: early + [finding], session: nil))
            return
        }
        let plan = plans.plan(for: object, shape: shape, schemas: schemas)
        let roles = plan.roleValues(in: value)
        let (declaredLevel, judgedLevel, schema) = levels(plan, roles)
        let context = MessageContext(
            source: source, locator: locator, framing: framing, values: .tree(value, object), plan: plan,
            schema: schema, declaredLevel: declaredLevel, judgedLevel: judgedLevel,
            correlator: Self.correlator(plan, roles),
            schemaViolations: plan.validationMemo.map { validator.violations(of: value, against: schema.id, memo: $0) }
                ?? validator.violations(of: value, against: schema.id),
            configuration: sharedConfiguration,
            roleValues: roles)
        judge(
            context, early: early, payload: value, parslVersion: object["parsl_v"]?.stringValue,
            content: identifiesContent ? ContentIdentity(generation: plan.generation, value: value) : nil,
            into: slot
        ) { context in Self.configuration(context, text: text) }
    }

    /// The same for a message read as a tape (`text` its bytes), without making its tree for the audit: for a
    /// message of a structure already planned and valid by the trace its plan's memo keeps
    /// (`Schema.isValid(_:replaying:)`). `nil` for any other message: `analyze` it from its tree, which gives
    /// the same verdict. The tree is made from the tape only when the report keeps it (`keepingPayload`) or
    /// the message is given its identity.
    ///
    /// The plan is found by the tape's shape, which is the fast reader's: a shape planned before is one a
    /// parse accepted, so the one check a tape leaves out (a key twice in an object) was made.
    func analyze(
        _ tape: JSONTape, text: UnsafeRawBufferPointer, framing: Framing, source: String, locator: Locator,
        early: [Finding], keepingPayload: Bool = false
    ) -> RecordVerdict? {
        RecordVerdict.madeIfAny {
            analyze(
                tape, text: text, framing: framing, source: source, locator: locator, early: early,
                keepingPayload: keepingPayload, into: $0)
        }
    }

    /// The same, the verdict made in `slot` (uninitialized memory): whether it was (`false`: the slot is left
    /// uninitialized, for the tree to be analyzed).
    func analyze(
        _ tape: JSONTape, text: UnsafeRawBufferPointer, framing: Framing, source: String, locator: Locator,
        early: [Finding], keepingPayload: Bool = false, into slot: UnsafeMutablePointer<RecordVerdict>
    ) -> Bool {
        guard tape.kind(at: JSONTape.root) == .object, let plan = plans.known(shapeBytes: tape.shapeBytes),
            let memo = plan.validationMemo, tape.count == plan.nodeCount
        else { return false }
        let nodes = plan.roleNodes
        // Component names and containers are made only if read (`MessageContext.madeWhenRead`).
        let names = MessageContext.namesMadeWhenRead(in: plan)
        var roles: [JSONValue] = []
        roles.reserveCapacity(nodes.count)
        for (index, node) in nodes.enumerated() {
            let later = MessageContext.isMadeWhenRead(index, at: node, of: tape, names: names)
            roles.append(later ? .null : tape.value(at: node))
        }
        let (declaredLevel, judgedLevel, schema) = levels(plan, roles)
        guard let (compiled, trace) = memo.replay(for: schema.id), compiled.isValid(tape, replaying: trace) == true
        else { return false }
        let context = MessageContext(
            source: source, locator: locator, framing: framing, values: .tape(tape), plan: plan, schema: schema,
            declaredLevel: declaredLevel, judgedLevel: judgedLevel, correlator: Self.correlator(plan, roles),
            schemaViolations: [], configuration: sharedConfiguration, roleValues: roles, roleNodes: nodes)
        let version = tape.member("parsl_v").flatMap { node in
            tape.kind(at: node) == .string ? tape.value(at: node).stringValue : nil
        }
        // The tree, when the report keeps it: made from the tape (the same value a parse makes), after the
        // audit that did without it. The identity's canonical text is written from the tape.
        judge(
            context, early: early, payload: keepingPayload ? tape.value(at: JSONTape.root) : nil,
            parslVersion: version,
            content: identifiesContent ? ContentIdentity(generation: plan.generation, tape: tape) : nil,
            into: slot
        ) { context in Self.configuration(context, tape: tape, text: text) }
        return true
    }

    /// The level the message declares (a role value), the level it is judged at, and the schema it is
    /// validated against.
    private func levels(_ plan: MessagePlan, _ roles: [JSONValue]) -> (
        declared: Int?, judged: Int?, schema: SchemaDocument
    ) {
        let kind = plan.kind
        let levelRange = plan.roleRanges[FieldRole.level.ordinal]
        let declaredLevel = levelRange.first.flatMap { roles[$0].exactInteger }
            .flatMap { (1...3).contains($0) ? Int($0) : nil }
        let judgedLevel: Int?
        switch configuration.level {
        case .fixed(let level): judgedLevel = level
        // Generations without per-level start documents sent everything or nothing: judged as level 3.
        case .auto: judgedLevel = kind == .start ? (declaredLevel ?? (plan.isAllOrNothing ? 3 : nil)) : nil
        }
        let schema = kind == .start ? plan.schemaByLevel[declaredLevel ?? 0] : plan.shape
        return (declaredLevel, judgedLevel, schema)
    }

    private static func correlator(_ plan: MessagePlan, _ roles: [JSONValue]) -> String? {
        plan.roleRanges[FieldRole.correlator.ordinal].first.flatMap { roles[$0].stringValue }
    }

    /// The message rules on one message, and its verdict: what `analyze` does once the message is read, from
    /// its tree or its tape alike. `configuration` gives the session's configuration components, asked only
    /// of messages whose session step compares them.
    private func judge(
        _ context: MessageContext, early: [Finding], payload: JSONValue?, parslVersion: String?,
        content: ContentIdentity?, into slot: UnsafeMutablePointer<RecordVerdict>,
        configuration: (MessageContext) -> SessionConfiguration?
    ) {
        let plan = context.plan
        let kind = plan.kind
        let generation = plan.generation
        let correlator = context.correlator
        let judgedLevel = context.judgedLevel
        var findings = early
        if context.framing == .bare || (plan.hasBareFraming && context.framing != .versioned) {
            findings.append(
                context.finding(
                    LegacyProtocolRule.descriptor,
                    context.framing == .bare
                        ? "bare JSON payload: the legacy protocol of Parsl before April 2024 (generation \(generation))"
                        : "a generation \(generation) message: Parsl before April 2024 sent it as bare JSON, the legacy protocol"
                ))
        }
        for rule in RuleCatalogue.messageRules { rule.checkMessage(context, into: &findings) }
        for i in findings.indices where findings[i].correlator == nil {
            findings[i].correlator = correlator
            findings[i].level = findings[i].level ?? judgedLevel
        }

        var facts: SessionFacts?
        if let correlator, kind != .unknown {
            let keepsConfiguration = kind == .end || judgedLevel.map(plan.endLevels.contains) != false
            facts = SessionFacts(
                kind: kind, key: SessionKey(correlator), level: judgedLevel,
                startTime: context.firstValue(withRole: .startTime)?.doubleValue,
                endTime: context.firstValue(withRole: .endTime)?.doubleValue,
                duration: context.firstValue(withRole: .duration)?.doubleValue,
                configuration: keepsConfiguration ? configuration(context) : nil,
                plan: plan,
                userCodeNames: keepsConfiguration ? context.userCodeComponents.map(\.name) : [])
        }
        // The message is made in the verdict, and the verdict in its slot: made first and passed in, each
        // would be copied.
        slot.initialize(
            to: RecordVerdict(
                message: AuditedMessage(
                    source: context.source, locator: context.locator, kind: kind, level: judgedLevel,
                    correlator: correlator, generation: generation, parsed: true, findings: findings.count,
                    payload: payload, parslVersion: parslVersion),
                findings: findings, session: facts, content: content))
    }

    /// The component list without the components that report execution detail (the end message's
    /// DataFlowKernel): what must match between a session's start and end. Its text is copied from the
    /// message's own when the parser said where the list's elements are, rather than serialized again (about
    /// a quarter of the cost, for every message that keeps its configuration).
    static func configuration(
        _ context: MessageContext, text: (bytes: ArraySlice<UInt8>, elementBounds: [Int])?
    ) -> SessionConfiguration? {
        guard let (_, list) = context.values(withRole: .componentList).first, case .array(let elements) = list
        else { return nil }
        let indices = context.plan.configurationComponentIndices
        // The bounds are the list's when the message has the plan's structure, as every message of the plan
        // has (the plan counts the array members' elements before the list).
        if let (bytes, bounds) = text, let base = context.plan.componentListNotedBase,
            bounds.count >= 2 * (base + elements.count),
            let written = bytes.withUnsafeBytes({
                SessionConfiguration.text(of: indices, at: bounds, base: base, in: $0)
            })
        {
            return SessionConfiguration(written: written, elements: elements, indices: indices)
        }
        return SessionConfiguration(indices.map { elements[$0] })
    }

    /// The same from a tape: the components' text is always the client's own (`text` is the tape's bytes),
    /// and it stands for the components unless it is too long or the message too deep to read back (a tape
    /// holds no non-finite number), which is when the components are made and kept.
    static func configuration(
        _ context: MessageContext, tape: JSONTape, text: UnsafeRawBufferPointer
    ) -> SessionConfiguration? {
        guard let place = context.plan.roleRanges[FieldRole.componentList.ordinal].first,
            let list = context.roleNode(place), tape.kind(at: list) == .array
        else { return nil }
        let indices = context.plan.configurationComponentIndices
        // The elements' bounds in temporary memory (on the stack for any real list): an array of them was an
        // allocation, and its release, for every message that keeps its configuration.
        let count = tape.count(at: list)
        let written = withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * count) { bounds -> String? in
            var element = list + 1
            for position in 0..<count {
                let token = tape.tokenRange(at: element)
                bounds.initializeElement(at: 2 * position, to: token.lowerBound)
                bounds.initializeElement(at: 2 * position + 1, to: token.upperBound)
                element = tape.next(after: element)
            }
            return SessionConfiguration.text(of: indices, at: UnsafeBufferPointer(bounds), base: 0, in: text)
        }
        guard let written else { return nil }
        if written.utf8.count <= SessionConfiguration.longestText && tape.depth < SessionConfiguration.deepestText {
            return SessionConfiguration(standingFor: written)
        }
        guard case .array(let elements) = tape.value(at: list) else { return nil }
        return SessionConfiguration(written: written, elements: elements, indices: indices)
    }
}
