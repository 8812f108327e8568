import AuditModel

/// `session.start-without-end`: a level-3 start whose end was not seen.
public struct StartWithoutEndRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "session.start-without-end", defaultSeverity: .note,
        summary: "a level-3 start whose end was not seen",
        help: "Level 3 sends an end message when the workflow finishes. None arrived for this run: it is still "
            + "running, crashed, or the datagram was lost (UDP has no retry).",
        levels: "3", generations: "all",
        example: "a level-3 run that crashed, or whose end datagram was lost",
        fix: "Capture until the workflow has finished; a crashed run sends no end message.")

    static func message(level: Int) -> String {
        "no end message arrived for this level-\(level) run (level 3 sends one when the workflow ends)"
    }
}
