import JSONCore

/// The kind of a usage message.
public enum MessageKind: String, Sendable, Hashable, CaseIterable {
    /// Sent when a workflow starts (every level).
    case start
    /// Sent when it ends (level 3, and legacy generations).
    case end
    /// Could not be decoded, or matches neither shape.
    case unknown

    /// The kind's place in `allCases`: the spool's tag, without building `allCases` and searching it.
    public var ordinal: Int {
        switch self {
        case .start: 0
        case .end: 1
        case .unknown: 2
        }
    }

    /// `allCases`, made once: the kind at each ordinal.
    public static let byOrdinal = allCases
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
    /// The Parsl release that sent it (`parsl_v`), when the message names one: the host inventory's
    /// answer to what must be upgraded.
    public var parslVersion: String?
    /// The network evidence of its first observation (captures and journals only).
    public var network: NetworkEvidence?
    /// How many times it was seen: in several inputs (a capture and the logs of the same runs), or on
    /// several interfaces of one capture. At least 1.
    public var observations = 1
    /// The sightings after the first, at most `observedLimit - 1` of them (`observations` counts them all).
    public var laterObservations: [Observation] = []

    /// How many sightings `observed` lists at most: enough to show where a message was seen, bounded so
    /// that a message repeated a million times stays small.
    public static let observedLimit = 16

    /// Its sightings, the first one (this message's own place) first; at most `observedLimit`.
    public var observed: [Observation] {
        [Observation(source: source, locator: locator, network: network)] + laterObservations
    }

    /// Counts one more sighting, listing it while `observed` has room.
    public mutating func addObservation(_ observation: Observation) {
        observations += 1
        if laterObservations.count + 1 < Self.observedLimit { laterObservations.append(observation) }
    }
}

/// The initializer sits in an extension so that the struct keeps its synthesized memberwise initializer, which
/// it calls: the optimizer builds that one's value in place, while an initializer that sets `self`'s fields
/// one by one built it in a temporary, copied it out (a reference count for each string) and destroyed the
/// temporary, for every message.
extension AuditedMessage {
    public init(
        source: String, locator: Locator, kind: MessageKind, level: Int? = nil, correlator: String? = nil,
        generation: String? = nil, parsed: Bool = true, findings: Int = 0, payload: JSONValue? = nil,
        region: ByteRegion? = nil, network: NetworkEvidence? = nil, parslVersion: String? = nil
    ) {
        self.init(
            source: source, locator: locator, kind: kind, level: level, correlator: correlator,
            generation: generation, parsed: parsed, findings: findings, payload: payload, region: region,
            parslVersion: parslVersion, network: network, observations: 1, laterObservations: [])
    }
}

extension AuditedMessage {
    /// What a finding takes from the message it points at, and where the message is: read from the front of
    /// a spooled message without decoding the rest (`AuditList.parts`).
    public struct Place: Sendable {
        public var source: String
        public var locator: Locator
        public var kind: MessageKind
        public var region: ByteRegion?

        public init(_ message: AuditedMessage) {
            source = message.source
            locator = message.locator
            kind = message.kind
            region = message.region
        }
    }

    /// What a count of messages by kind reads of a message: its kind, level, generation and whether it was
    /// decoded. Read from a spooled record, it skips the payload and everything after it.
    public struct Summary: Sendable {
        public var kind: MessageKind
        public var level: Int?
        public var generation: String?
        public var parsed: Bool

        public init(_ message: AuditedMessage) {
            kind = message.kind
            level = message.level
            generation = message.generation
            parsed = message.parsed
        }
    }
}
