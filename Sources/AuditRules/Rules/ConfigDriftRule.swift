import AuditModel

/// `session.config-drift`: the configuration components of a session's end differ from its start.
public struct ConfigDriftRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "session.config-drift", defaultSeverity: .warning,
        summary: "the configuration components of a session's end differ from its start",
        help: "An end message repeats the start message's configuration after the execution summary. When they "
            + "differ, the configuration changed during the run or the end message reports something else.")
}
