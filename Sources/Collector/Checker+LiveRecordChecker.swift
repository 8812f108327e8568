import AuditInputs
import AuditModel
import AuditRules

/// `listen` checks with the same `Checker` as `check`: the same rules, sessions included.
extension Checker: LiveRecordChecker {
    public var liveDisclosure: DisclosureMatrix? { disclosure }

    /// Whether messages keep their content is the checker's `keepsEveryPayload`, which `listen` sets when it
    /// writes an HTML report.
    public func check(_ record: InputRecord, source: String) -> LiveStep {
        let step: CheckStep = check(record, source: source, input: 0)
        return LiveStep(messages: step.messages, findings: step.findings)
    }

    public func finish() -> LiveStep {
        let step: CheckStep = finish()
        return LiveStep(messages: step.messages, findings: step.findings)
    }
}
