import AuditModel

/// `reconcile.sent-not-logged`: with `--reconcile`, a message seen on the wire that no `parsl.log` of the run
/// holds.
public struct SentNotLoggedRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "reconcile.sent-not-logged", defaultSeverity: .warning,
        summary: "with --reconcile: seen on the wire, absent from the logs",
        help: "A capture or journal holds this message but none of the given parsl.log files does. Either the "
            + "logs of that run are missing from the inputs, or the client sent it without logging it (Parsl "
            + "before G3 logs no usage message at all), so the logs alone would not show what left the machine.",
        levels: "any", generations: "all (G0-G2 never log)",
        example: "a capture of a fleet checked with the logs of only some of its runs",
        fix: "Give the parsl.log of every run the capture covers; for clients that never log, audit the wire.")

    static let message = "this message was seen on the wire but is in none of the client's logs given"
}
