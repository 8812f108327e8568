import AuditModel

/// Every rule usage-audit knows, in the order reports list them.
public enum RuleCatalogue {
    /// The rules that judge one message on its own, run in this order.
    static let messageRules: [any MessageRule] = [
        InvalidJSONRule(), SchemaViolationRule(), SentWhileDisabledRule(), LevelMismatchRule(), ConfigDisclosedRule(),
        ExecutionDisclosedRule(), ForbiddenFieldRule(), UserCodeIdentifierRule(), PersonalDataRule(),
        CorrelatorNotRandomRule(), TimestampPrecisionRule(), ProjectNameRule(),
    ]

    public static let all: [RuleDescriptor] = [
        UnknownVersionRule.descriptor, LegacyProtocolRule.descriptor, InvalidJSONRule.descriptor,
        InvalidUTF8Rule.descriptor, DuplicateKeyRule.descriptor, NotObjectRule.descriptor, OversizeRule.descriptor,
        CaptureTruncatedRule.descriptor, FragmentMissingRule.descriptor, CaptureDamagedRule.descriptor,
        UnsupportedLinkTypeRule.descriptor, LogUnparseableRule.descriptor, JournalTornRecordRule.descriptor,
        SchemaViolationRule.descriptor, SentWhileDisabledRule.descriptor, LevelMismatchRule.descriptor, ConfigDisclosedRule.descriptor,
        ExecutionDisclosedRule.descriptor, EndMessageBelow3Rule.descriptor, ForbiddenFieldRule.descriptor,
        UserCodeIdentifierRule.descriptor, PersonalDataRule.descriptor, CorrelatorNotRandomRule.descriptor,
        TimestampPrecisionRule.descriptor, ProjectNameRule.descriptor, EndWithoutStartRule.descriptor,
        StartWithoutEndRule.descriptor, DuplicateSessionRule.descriptor, ExecutionTimeMismatchRule.descriptor,
        ConfigDriftRule.descriptor, CollectorDroppedRule.descriptor,
    ]

    private static let byID: [String: RuleDescriptor] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    /// The rule with this id; readers may report problems under ids added after this build, which then
    /// count as errors.
    public static func descriptor(_ id: String) -> RuleDescriptor {
        byID[id] ?? RuleDescriptor(id: id, defaultSeverity: .error, summary: id, help: "")
    }
}
