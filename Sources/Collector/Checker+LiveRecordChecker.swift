import AuditInputs
import AuditModel
import AuditRules

/// `listen` checks with the same `Checker` as `check`: the same rules, sessions included.
extension Checker: LiveRecordChecker {
    public var liveDisclosure: DisclosureMatrix? { disclosure }

    /// `listen` keeps every message's content, as `check` does for an HTML report: its report may be one.
    public func check(_ record: InputRecord, source: String) -> LiveStep {
        keepsEveryPayload = true
        let step: CheckStep = check(record, source: source, input: 0)
        return LiveStep(messages: step.messages, findings: step.findings)
    }

    public func finish() -> LiveStep {
        let step: CheckStep = finish()
        return LiveStep(messages: step.messages, findings: step.findings)
    }
}
