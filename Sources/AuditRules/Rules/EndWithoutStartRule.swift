import AuditModel

/// `session.end-without-start`: an end message whose start never appeared in the run (an end that arrives
/// before its start is paired with it when the start comes).
public struct EndWithoutStartRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "session.end-without-start", defaultSeverity: .note,
        summary: "an end message whose start was not seen",
        help: "The start message of this run is nowhere in the inputs (lost on the way, or sent before the capture "
            + "began), so the end message cannot be judged against its session's level. An end that merely "
            + "arrived before its start (Parsl sends each from its own process, and they race) is paired with it.",
        levels: "3", generations: "all",
        example: "a capture that began after the workflow started: only its end message was seen",
        fix: "Capture for the whole run (start the capture before the workflow), or include the other "
            + "inputs of the same run.")

    static let message = "the start message of this run was not seen anywhere in the inputs"
}
