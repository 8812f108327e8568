import JSONCore
import Storage

/// One input of a run, as the report names it.
public struct InputSummary: Sendable, Hashable {
    public var source: String
    /// The detected or forced kind: `pcap`, `log`, `wire`, `ndjson`, `journal`.
    public var kind: String
    public var messages: Int
    /// Set when the input could not be read at all, or only in part (a damaged capture): exit status 2.
    public var readError: String?
    /// Set for a file met in a folder input that is not a usage input: why it was not audited (never an error).
    public var skipped: String?
    /// For `listen`'s journal: live lines standard error could not take, dropped rather than waited for.
    public var liveLinesDropped: Int?

    public init(
        source: String, kind: String, messages: Int = 0, readError: String? = nil, skipped: String? = nil,
        liveLinesDropped: Int? = nil
    ) {
        self.source = source
        self.kind = kind
        self.messages = messages
        self.readError = readError
        self.skipped = skipped
        self.liveLinesDropped = liveLinesDropped
    }
}

/// Which field may appear in which message at which level, and what it discloses: derived from the
/// schemas' privacy annotations, shown by `schemas describe` and beside observations in the HTML report.
public struct DisclosureMatrix: Sendable, Hashable {
    public struct Row: Sendable, Hashable {
        /// The field's name as it appears in the message (`components`, `platform.system`).
        public var field: String
        /// `start` or `end`.
        public var message: String
        /// `basic`, `configuration`, `execution`, `identifying` or `forbidden`.
        public var discloses: String
        /// The lowest level at which the field may appear; `nil` when it may never appear (forbidden).
        public var minimumLevel: Int?
        /// The generations whose schemas carry it, e.g. `["G4", "G5"]`.
        public var generations: [String]

        public init(field: String, message: String, discloses: String, minimumLevel: Int?, generations: [String]) {
            self.field = field
            self.message = message
            self.discloses = discloses
            self.minimumLevel = minimumLevel
            self.generations = generations
        }

        /// Whether the field may appear at `level`.
        public func allowed(atLevel level: Int) -> Bool { minimumLevel.map { level >= $0 } ?? false }
    }

    public var rows: [Row]
    public init(rows: [Row]) { self.rows = rows }
}

/// Everything one run found: what every report writer renders.
///
/// `messages` and `findings` are lists that a run spools to a temporary file as it finds them (see
/// `AuditList`), so memory stays flat however long the input; a report made from arrays (tests) holds them in
/// memory.
public struct AuditReport: Sendable {
    public var toolName: String
    public var toolVersion: String
    public var inputs: [InputSummary]
    /// Every message, in input order then locator order.
    public var messages: AuditList<AuditedMessage>
    /// Every finding, in input order then locator order.
    public var findings: AuditList<Finding>
    /// The full rule catalogue (SARIF lists every rule, not only those that fired).
    public var rules: [RuleDescriptor]
    /// The disclosure matrix of the schemas in use, when known.
    public var disclosure: DisclosureMatrix?
    /// Whether findings were compared with a `--baseline` report (SARIF then marks each new or unchanged,
    /// the text report says how many were baselined).
    public var baselineApplied = false
    /// Whether every finding carries its fingerprint (see `ReportPreparation` in ReportWriters).
    public var fingerprinted = false
    /// One entry per sender address, most errors first; empty when no input had network evidence.
    public var hosts: [HostSummary] = []
    /// Distinct messages forgotten by the bounded matching of sightings before the run ended: a later
    /// sighting of one of them counted as a new message.
    public var forgottenMessages = 0

    public init(
        toolName: String = "usage-audit", toolVersion: String = UsageAuditVersion.current, inputs: [InputSummary],
        messages: AuditList<AuditedMessage>, findings: AuditList<Finding>, rules: [RuleDescriptor],
        disclosure: DisclosureMatrix? = nil
    ) {
        self.toolName = toolName
        self.toolVersion = toolVersion
        self.inputs = inputs
        self.messages = messages
        self.findings = findings
        self.rules = rules
        self.disclosure = disclosure
    }

    public init(
        toolName: String = "usage-audit", toolVersion: String = UsageAuditVersion.current, inputs: [InputSummary],
        messages: [AuditedMessage], findings: [Finding], rules: [RuleDescriptor], disclosure: DisclosureMatrix? = nil
    ) {
        self.init(
            toolName: toolName, toolVersion: toolVersion, inputs: inputs, messages: AuditList(messages),
            findings: AuditList(findings), rules: rules, disclosure: disclosure)
    }

    /// Messages that could not be decoded.
    public var unparsedCount: Int { messages.tally.unparsed }

    /// Every sighting of every message: `messages.count` counts distinct messages.
    public var observationCount: Int { messages.tally.observations }

    public func count(_ severity: Severity) -> Int { findings.tally.count(severity) }

    /// Findings in the `--baseline` report.
    public var baselinedCount: Int { findings.tally.baselined }

    /// The findings that make the run fail under `threshold`: those at or above it, but for the baselined.
    public func failingCount(_ threshold: FailThreshold) -> Int {
        Severity.allCases.filter(threshold.fails(on:)).reduce(0) {
            $0 + count($1) - findings.tally.baselined($1)
        }
    }

    /// Whether an input could not be read (whole or to its end): the report then speaks for less than was asked.
    public var hasUnreadableInput: Bool { inputs.contains { $0.readError != nil } }

    /// Why part of the report could not be kept on disk, when it could not (it is then kept in memory).
    /// Each note once (the messages' and the findings' spools usually fail for the same reason).
    public var spoolNotes: [String] {
        var notes: [String] = []
        for note in [messages.spoolNote, findings.spoolNote].compactMap({ $0 }) where !notes.contains(note) {
            notes.append(note)
        }
        return notes
    }

    /// The first failure to read the spooled messages or findings back: a report written from it is incomplete.
    public var readFailure: SpoolError? { messages.readFailure ?? findings.readFailure }
}

public enum UsageAuditVersion {
    public static let current = "0.1.0"
}
