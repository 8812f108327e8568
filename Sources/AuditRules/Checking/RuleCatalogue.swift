import AuditModel

/// Every rule usage-audit knows: one list, in the order reports list them. A rule exists when its type is
/// here; findings are made only from these descriptors (`Finding.init(_:source:...)`), and a test holds every
/// rule file under `Rules/` to this list.
public enum RuleCatalogue {
    static let rules: [any AuditRule.Type] = [
        UnknownVersionRule.self, LegacyProtocolRule.self, InvalidJSONRule.self, InvalidUTF8Rule.self,
        DuplicateKeyRule.self, NotObjectRule.self, OversizeRule.self, RecordTooLongRule.self, NoMessagesRule.self,
        TooFewMessagesRule.self,
        CaptureTruncatedRule.self, FragmentMissingRule.self, CaptureDamagedRule.self, UnsupportedLinkTypeRule.self,
        LogUnparseableRule.self, JournalTornRecordRule.self, SchemaViolationRule.self, SentWhileDisabledRule.self,
        LevelMismatchRule.self, ConfigDisclosedRule.self, ExecutionDisclosedRule.self, EndMessageBelow3Rule.self,
        ForbiddenFieldRule.self, UserCodeIdentifierRule.self, PersonalDataRule.self, CorrelatorNotRandomRule.self,
        TimestampPrecisionRule.self, ProjectNameRule.self, EndWithoutStartRule.self, StartWithoutEndRule.self,
        DuplicateSessionRule.self, ExecutionTimeMismatchRule.self, ConfigDriftRule.self, CollectorDroppedRule.self,
        LoggedNotSentRule.self, SentNotLoggedRule.self,
    ]

    /// Every rule's descriptor, in catalogue order.
    public static let all: [RuleDescriptor] = rules.map { $0.descriptor }

    /// The rules that judge one message on its own, run in catalogue order. Their types, not instances: a
    /// type is called through `checkMessage` without copying an existential value out of the list and
    /// destroying it again for every rule and message (about 50 instructions each, a dozen rules a message).
    ///
    /// Listed, not picked out of `rules` with `as? any MessageRule.Type`: each such cast asks the runtime
    /// whether the type conforms, a search of every conformance in the binary the first time (for a type
    /// that does not, every time it is asked): 3% of a small run's start. A test holds the list to that
    /// filter.
    static let messageRules: [any MessageRule.Type] = [
        InvalidJSONRule.self, SchemaViolationRule.self, SentWhileDisabledRule.self, LevelMismatchRule.self,
        ConfigDisclosedRule.self, ExecutionDisclosedRule.self, ForbiddenFieldRule.self, UserCodeIdentifierRule.self,
        PersonalDataRule.self, CorrelatorNotRandomRule.self, TimestampPrecisionRule.self, ProjectNameRule.self,
    ]

    private static let byID: [String: RuleDescriptor] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    /// The rule with this id, or `nil` when there is none (an id read from a user's option or an old report).
    public static func descriptor(_ id: String) -> RuleDescriptor? { byID[id] }
}
