import AuditModel
import AuditRules

/// `listen` checks with the same `Checker` as `check`: the same rules, sessions included.
extension Checker: LiveRecordChecker {
    public var liveDisclosure: DisclosureMatrix? { disclosure }
}
