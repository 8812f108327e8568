import AuditModel

/// `level.end-message-below-3`: an end message for a session below level 3. Which levels send end messages
/// comes from the schemas (the `trackingLevel` of the end-message documents).
public struct EndMessageBelow3Rule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "level.end-message-below-3", defaultSeverity: .error,
        summary: "an end message for a session below level 3",
        help: "Only level 3 sends a message when the workflow ends (it reports run time and app counts). An end "
            + "message from a level-1 or level-2 session discloses execution detail the user did not agree to send.",
        levels: "1-2", generations: "G4-G5",
        example: "an end message (end, execution_time, app_count) whose session's start has tracking_level "
            + "2",
        fix: "Only level 3 sends an end message: report the release upstream; meanwhile run at level 1 "
            + "or 0.")

    /// Whether an end message breaks the rule: its session's level is known, tracking is on, and the
    /// generation sends end messages only at `endLevels`.
    static func applies(level: Int, endLevels: Set<Int>) -> Bool {
        level > 0 && !endLevels.contains(level)
    }

    static func message(level: Int, from origin: String) -> String {
        "an end message (with execution detail) was sent for a level-\(level) session (\(origin)): only level 3 sends one"
    }
}
