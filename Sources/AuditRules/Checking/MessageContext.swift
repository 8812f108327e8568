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
public struct MessageContext: Sendable {
    public let source: String
    public let locator: Locator
    public let framing: Framing
    public let message: JSONValue
    public let object: JSONObject
    public let kind: MessageKind
    /// The schema whose shape the message has (kind and generation).
    public let shape: SchemaDocument
    /// The schema it is validated against (the one for its level, when the shape has levels).
    public let schema: SchemaDocument
    public let generation: String
    /// `tracking_level` as sent, when it is a level.
    public let declaredLevel: Int?
    /// The level the message is judged at: `--level`, else its own, else (all-or-nothing generations) 3.
    /// `nil` for end messages, which take their session's level later.
    public let judgedLevel: Int?
    public let correlator: String?
    public let annotations: [LocatedAnnotation]
    public let schemaViolations: [SchemaViolation]
    public let configuration: CheckConfiguration
    /// The values of the fields that carry a role, found once per message.
    private let roleValues: RoleValues

    public typealias RoleValues = [FieldRole: [(pointer: JSONPointer, value: JSONValue)]]

    /// The values of the fields that carry a role, each place once.
    public static func roleValues(of annotations: [LocatedAnnotation], in message: JSONValue) -> RoleValues {
        var roleValues: RoleValues = [:]
        for annotation in annotations {
            guard let role = annotation.role,
                roleValues[role]?.contains(where: { $0.pointer == annotation.pointer }) != true,
                let value = annotation.pointer.resolve(in: message)
            else { continue }
            roleValues[role, default: []].append((annotation.pointer, value))
        }
        return roleValues
    }

    public init(
        source: String, locator: Locator, framing: Framing, message: JSONValue, object: JSONObject, kind: MessageKind,
        shape: SchemaDocument, schema: SchemaDocument, generation: String, declaredLevel: Int?, judgedLevel: Int?,
        correlator: String?, annotations: [LocatedAnnotation], schemaViolations: [SchemaViolation],
        configuration: CheckConfiguration, roleValues: RoleValues? = nil
    ) {
        self.source = source
        self.locator = locator
        self.framing = framing
        self.message = message
        self.object = object
        self.kind = kind
        self.shape = shape
        self.schema = schema
        self.generation = generation
        self.declaredLevel = declaredLevel
        self.judgedLevel = judgedLevel
        self.correlator = correlator
        self.annotations = annotations
        self.schemaViolations = schemaViolations
        self.configuration = configuration
        self.roleValues = roleValues ?? Self.roleValues(of: annotations, in: message)
    }

    /// A finding of `rule` about this message, at its default severity.
    public func finding(
        _ rule: RuleDescriptor, at pointer: JSONPointer = .root, _ text: String, sensitive: [String] = []
    ) -> Finding {
        Finding(
            rule: rule.id, severity: rule.defaultSeverity, source: source, locator: locator, pointer: pointer,
            level: judgedLevel, correlator: correlator, message: text, sensitiveValues: sensitive)
    }

    /// The annotations carrying a role, with the value at their place.
    public func values(withRole role: FieldRole) -> [(pointer: JSONPointer, value: JSONValue)] {
        roleValues[role] ?? []
    }

    /// For the level rules: the judged level and the fields disclosing `kind` above it, or `nil` when the
    /// rules do not apply (end messages take their session's level; with tracking off every message is the
    /// violation, `level.sent-while-disabled`, not its fields).
    public func levelDisclosures(of kind: Disclosure) -> (level: Int, fields: [LocatedAnnotation])? {
        guard self.kind == .start, let level = judgedLevel, !configuration.level.isDisabled else { return nil }
        return (level, disclosures(of: kind, above: level))
    }

    /// Annotations that disclose `kind` above `level`, outermost only: once `/components` is reported,
    /// the members inside it are not reported again.
    public func disclosures(of kind: Disclosure, above level: Int) -> [LocatedAnnotation] {
        let matching = annotations.filter { $0.discloses == kind && ($0.minimumLevel ?? 0) > level }
            .sorted { $0.pointer.tokens.count < $1.pointer.tokens.count }
        var kept: [LocatedAnnotation] = []
        for candidate in matching
        where !kept.contains(where: { candidate.pointer.tokens.starts(with: $0.pointer.tokens) }) {
            kept.append(candidate)
        }
        return kept.sorted { $0.pointer < $1.pointer }
    }
}

/// An audit rule: a stable id, a default severity and help, in one file each under `Rules/`.
public protocol AuditRule: Sendable {
    static var descriptor: RuleDescriptor { get }
}

/// A rule that judges one decoded message on its own (so messages can be checked in parallel).
public protocol MessageRule: AuditRule {
    init()
    func check(_ context: MessageContext, into findings: inout [Finding])
}

/// Validates a message against one schema of the set: the seam between the checker and the schema engine.
public protocol MessageSchemaValidator: Sendable {
    func violations(of message: JSONValue, against schemaID: String) -> [SchemaViolation]
}
