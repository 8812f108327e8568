import AuditModel

/// `session.start-without-end`: a level-3 start whose end was not seen.
public struct StartWithoutEndRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "session.start-without-end", defaultSeverity: .note,
        summary: "a level-3 start whose end was not seen",
        help: "Level 3 sends an end message when the workflow finishes. None arrived for this run: it is still "
            + "running, crashed, or the datagram was lost (UDP has no retry).")

    static func message(level: Int) -> String {
        "no end message arrived for this level-\(level) run (level 3 sends one when the workflow ends)"
    }
}
