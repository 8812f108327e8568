import AuditInputs
import AuditModel

/// What the collector needs of a checker: feed records in order, then collect what is left at the end.
///
/// `AuditRules.Checker` is the one `listen` uses (see `Checker+LiveRecordChecker.swift`); the protocol keeps the
/// receiving, journaling and stopping machinery testable on its own.
public protocol LiveRecordChecker: AnyObject {
    func check(_ record: InputRecord, source: String) -> LiveStep
    /// What only the end of the input can tell (sessions left open), and the messages still held.
    func finish() -> LiveStep
    /// The rule catalogue the report lists.
    var rules: [RuleDescriptor] { get }
    var liveDisclosure: DisclosureMatrix? { get }
}

/// Makes the checker for a run. Called once, on the live check's own thread, which then owns the checker (checkers
/// are not `Sendable`: one per run, fed in order).
public typealias LiveCheckerFactory = @Sendable () throws -> any LiveRecordChecker

/// What a checker gives back for one record: the messages it releases to the report (a checker may hold a
/// message a while, to count later sightings of it or pair an end with a start that arrives after it) and
/// the findings to report now.
public struct LiveStep: Sendable {
    public var messages: [AuditedMessage]
    public var findings: [Finding]

    public init(messages: [AuditedMessage] = [], findings: [Finding] = []) {
        self.messages = messages
        self.findings = findings
    }

    /// One record's message, if any, released at once, with its findings.
    public init(message: AuditedMessage?, findings: [Finding]) {
        self.init(messages: message.map { [$0] } ?? [], findings: findings)
    }
}
