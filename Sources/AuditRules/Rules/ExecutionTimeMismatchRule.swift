import AuditModel

/// `session.execution-time-mismatch`: `execution_time` differs from `end - start` by more than a second.
public struct ExecutionTimeMismatchRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "session.execution-time-mismatch", defaultSeverity: .error,
        summary: "execution_time differs from end - start by more than 1 s",
        help: "The end message's execution time must be its end time minus the start message's start time. A "
            + "difference means the two messages do not belong together or a time was altered.",
        levels: "3", generations: "G4-G5",
        example: "start 1795555185, end 1795555190, execution_time 42",
        fix: "The two messages do not belong together or a time was altered; check for clock changes "
            + "or replayed messages.")

    /// The tolerance: both times are whole seconds, truncated independently.
    static let toleranceSeconds = 1.0

    /// The finding's text when the end message's `execution_time` disagrees with its end time minus the
    /// start message's start time; `nil` when they agree or a time is missing.
    static func mismatch(startTime: Double?, endTime: Double?, duration: Double?) -> String? {
        guard let start = startTime, let end = endTime, let duration, abs(duration - (end - start)) > toleranceSeconds
        else { return nil }
        return "execution_time is \(format(duration)) s but end - start is \(format(end - start)) s"
    }

    static func format(_ seconds: Double) -> String {
        seconds.rounded() == seconds && abs(seconds) < 1e15 ? String(Int64(seconds)) : String(seconds)
    }
}
