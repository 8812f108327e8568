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
        // Made once per level: a run's end may report a hundred thousand open sessions, nearly all level 3.
        (1...3).contains(level) ? messages[level - 1] : text(level: level)
    }

    private static let messages = (1...3).map(text(level:))

    private static func text(level: Int) -> String {
        "no end message arrived for this level-\(level) run (level 3 sends one when the workflow ends)"
    }
}
