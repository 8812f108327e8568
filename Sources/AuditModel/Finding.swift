import JSONCore

/// One thing wrong with one message (or with an input as a whole), as plain data that every report writer
/// consumes.
public struct Finding: Sendable {
    /// The rule's stable id, e.g. `level.config-disclosed`.
    public var rule: String
    public var severity: Severity
    /// The input's name as the user gave it (`lo.pcap`, `-` for standard input).
    public var source: String
    /// Where the message sits in its input; `nil` for a finding about the whole input.
    public var locator: Locator?
    /// RFC 6901 pointer into the message; the root pointer for the whole message.
    public var pointer: JSONPointer
    /// The tracking level the message was judged at, when known.
    public var level: Int?
    /// The session's correlator (`uuid` in old generations), when known.
    public var correlator: String?
    /// One line a non-expert understands.
    public var message: String
    /// The values in `message` (and in the message payload) that are personal or user code: what
    /// `--redact` masks in every report.
    public var sensitiveValues: [String]
    /// Recognises the finding in a later run (see `Fingerprint` in ReportWriters); set when a report is
    /// prepared for writing, `nil` before.
    public var fingerprint: String?
    /// Its fingerprint is in the `--baseline` report: shown, but it does not count toward `--fail-on`.
    public var baselined: Bool
    /// The bytes of its frame or record in a binary input (captures, journals), when the reader knew them.
    public var region: ByteRegion?
    /// The network evidence of its message's first observation that has any (captures and journals only),
    /// whichever input that observation came from.
    public var network: NetworkEvidence?
    /// The message this finding is about, as the checker knew it when it made the finding: what report
    /// preparation would otherwise find by pairing every finding with the first message at its place (two
    /// sorts of the whole report). `nil` when nobody said; a finding about a whole input (no locator) has no
    /// message whatever this says. Not part of a finding's identity: `==` and hashing leave it out.
    public var subject: Subject?

    /// What a finding takes from the message it is about: its kind (for the fingerprint) and its bytes in a
    /// binary input (the finding's region when it has none of its own).
    public struct Subject: Sendable, Hashable {
        public var kind: MessageKind
        public var region: ByteRegion?

        public init(kind: MessageKind, region: ByteRegion?) {
            self.kind = kind
            self.region = region
        }

        public init(_ message: AuditedMessage) { self.init(kind: message.kind, region: message.region) }
    }

    /// Whether report preparation needs to look for the finding's message: it points at a place and the
    /// checker did not say which message is there.
    public var needsPairing: Bool { !subject.isPresent && locator != nil }
}

/// The initializers sit in an extension so that the struct keeps its synthesized memberwise initializer, which
/// they call: the optimizer builds that one's value in place, while an initializer that sets `self`'s fields
/// one by one built it in a temporary, copied it out (a reference count for each string and array) and
/// destroyed the temporary (as many again), for every finding.
extension Finding {
    /// A finding of `rule` at its default severity. The only public way to make one: a finding's rule is
    /// always a rule of the catalogue, never a string typed at the place that reports it.
    public init(
        _ rule: borrowing RuleDescriptor, source: String, locator: Locator?, pointer: JSONPointer = .root,
        level: Int? = nil, correlator: String? = nil, message: String, sensitiveValues: [String] = []
    ) {
        self.init(
            rule: rule.id, severity: rule.defaultSeverity, source: source, locator: locator, pointer: pointer,
            level: level, correlator: correlator, message: message, sensitiveValues: sensitiveValues,
            fingerprint: nil, baselined: false, region: nil, network: nil, subject: nil)
    }

    /// A finding as read back from a spool or an earlier report, or made by a test double: its rule id is
    /// taken as it is.
    package init(
        rule: String, severity: Severity, source: String, locator: Locator?, pointer: JSONPointer = .root,
        level: Int? = nil, correlator: String? = nil, message: String, sensitiveValues: [String] = [],
        fingerprint: String? = nil, baselined: Bool = false, region: ByteRegion? = nil
    ) {
        self.init(
            rule: rule, severity: severity, source: source, locator: locator, pointer: pointer, level: level,
            correlator: correlator, message: message, sensitiveValues: sensitiveValues, fingerprint: fingerprint,
            baselined: baselined, region: region, network: nil, subject: nil)
    }
}

extension Finding: Hashable {
    /// Every field but `subject`, which only caches what pairing finds: a finding read back from an earlier
    /// report, or made by a test, is the same finding without it.
    public static func == (lhs: Finding, rhs: Finding) -> Bool {
        lhs.rule == rhs.rule && lhs.severity == rhs.severity && lhs.source == rhs.source && lhs.locator == rhs.locator
            && lhs.pointer == rhs.pointer && lhs.level == rhs.level && lhs.correlator == rhs.correlator
            && lhs.message == rhs.message && lhs.sensitiveValues == rhs.sensitiveValues
            && lhs.fingerprint == rhs.fingerprint && lhs.baselined == rhs.baselined && lhs.region == rhs.region
            && lhs.network == rhs.network
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rule)
        hasher.combine(source)
        hasher.combine(locator)
        hasher.combine(pointer)
        hasher.combine(message)
    }
}

extension Finding {
    /// What report preparation reads of a finding to pair it with its message and fingerprint it: its rule,
    /// where it points and what it lists as sensitive. Read from a spooled finding's record, it makes strings
    /// of these fields only (`AuditList.parts`).
    public struct Place: Sendable {
        public var rule: String
        public var severity: Severity
        public var source: String
        public var locator: Locator?
        public var sensitiveValues: [String]
        public var pointer: JSONPointer
        public var subject: Subject?

        public init(_ finding: Finding) {
            rule = finding.rule
            severity = finding.severity
            source = finding.source
            locator = finding.locator
            sensitiveValues = finding.sensitiveValues
            pointer = finding.pointer
            subject = finding.subject
        }
    }
}
