import AuditInputs
import AuditModel

extension InputProblem {
    /// The finding for a problem found outside any record (the collector's kernel drops), about `source` as a
    /// whole.
    public func finding(source: String) -> Finding {
        let (rule, text) = report
        return Finding(rule, source: source, locator: nil, message: text)
    }

    /// The rule that reports this problem, and the finding's words. Exhaustive: a new kind of problem does not
    /// compile until a rule reports it.
    var report: (rule: RuleDescriptor, message: String) {
        switch self {
        case .recordTooLong(let limit): (RecordTooLongRule.descriptor, RecordTooLongRule.message(limit: limit))
        case .datagramTruncated(let cut): (CaptureTruncatedRule.descriptor, CaptureTruncatedRule.message(cut))
        case .fragmentsMissing(let loss): (FragmentMissingRule.descriptor, FragmentMissingRule.message(loss))
        case .unsupportedLinkType(let link):
            (UnsupportedLinkTypeRule.descriptor, UnsupportedLinkTypeRule.message(link))
        case .captureDamaged(let damage): (CaptureDamagedRule.descriptor, CaptureDamagedRule.message(damage))
        case .journalDamaged(let description): (JournalTornRecordRule.descriptor, description)
        case .datagramsDropped(let count, let buffer):
            (CollectorDroppedRule.descriptor, CollectorDroppedRule.message(count: count, receiveBufferBytes: buffer))
        }
    }
}
