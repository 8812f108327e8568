import AuditInputs
import AuditModel

/// What the collector needs of a checker: feed records in order, then collect what is left at the end.
///
/// `AuditRules.Checker` is the one `listen` uses (see `Checker+LiveRecordChecker.swift`); the protocol keeps the
/// receiving, journaling and stopping machinery testable on its own.
public protocol LiveRecordChecker: AnyObject {
    func check(_ record: InputRecord, source: String) -> (message: AuditedMessage?, findings: [Finding])
    /// Findings only the end of the input can tell (sessions left open).
    func finish() -> [Finding]
    /// The rule catalogue the report lists.
    var rules: [RuleDescriptor] { get }
    var liveDisclosure: DisclosureMatrix? { get }
}

/// Makes the checker for a run. Called once, on the live check's own thread, which then owns the checker (checkers
/// are not `Sendable`: one per run, fed in order).
public typealias LiveCheckerFactory = @Sendable () throws -> any LiveRecordChecker
