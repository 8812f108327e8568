import JSONCore

/// The kind of a usage message.
public enum MessageKind: String, Sendable, Hashable, CaseIterable {
    /// Sent when a workflow starts (every level).
    case start
    /// Sent when it ends (level 3, and legacy generations).
    case end
    /// Could not be decoded, or matches neither shape.
    case unknown
}

/// One message found in an input: checked, or counted as unparsed. Every datagram, line or record that looks
/// like a usage message becomes one of these, so nothing is dropped silently.
public struct AuditedMessage: Sendable, Hashable {
    public var source: String
    public var locator: Locator
    public var kind: MessageKind
    /// The level the message was judged at (`tracking_level`, `--level`, or its session's).
    public var level: Int?
    public var correlator: String?
    /// The protocol generation, `G0` to `G5`, when it could be told.
    public var generation: String?
    /// Whether it decoded to a JSON object; false counts in `summary.unparsed`.
    public var parsed: Bool
    /// How many findings point at this message.
    public var findings: Int
    /// The decoded message, kept for messages with findings so reports can show the offending part.
    public var payload: JSONValue?
    /// The bytes of its frame or record in a binary input (captures, journals), when the reader knew them.
    public var region: ByteRegion?

    public init(
        source: String, locator: Locator, kind: MessageKind, level: Int? = nil, correlator: String? = nil,
        generation: String? = nil, parsed: Bool = true, findings: Int = 0, payload: JSONValue? = nil,
        region: ByteRegion? = nil
    ) {
        self.source = source
        self.locator = locator
        self.kind = kind
        self.level = level
        self.correlator = correlator
        self.generation = generation
        self.parsed = parsed
        self.findings = findings
        self.payload = payload
        self.region = region
    }
}
