import AuditModel

/// `session.execution-time-mismatch`: `execution_time` differs from `end - start` by more than a second.
public struct ExecutionTimeMismatchRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "session.execution-time-mismatch", defaultSeverity: .error,
        summary: "execution_time differs from end - start by more than 1 s",
        help: "The end message's execution time must be its end time minus the start message's start time. A "
            + "difference means the two messages do not belong together or a time was altered.")

    /// The tolerance: both times are whole seconds, truncated independently.
    static let toleranceSeconds = 1.0
}
