import AuditModel

/// `reconcile.logged-not-sent`: with `--reconcile`, a message a `parsl.log` holds that no capture or journal
/// of the run saw on the wire.
public struct LoggedNotSentRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "reconcile.logged-not-sent", defaultSeverity: .warning,
        summary: "with --reconcile: logged by the client, never seen on the wire",
        help: "The client logged this message but no capture or journal of the same runs holds it. Parsl builds "
            + "and logs the message in the workflow's process and sends it from another; when that process cannot "
            + "start (Parsl issue 4038: the messenger cannot be pickled under the spawn start method) nothing is "
            + "sent. Also seen when the capture started late or ended early, or the datagram was lost.",
        levels: "any", generations: "G3-G5 (earlier generations log nothing)",
        example: "Parsl 2026.10.26 under spawn: 'Usage tracking failed: Can't pickle ...' and no datagram",
        fix: "If the message should have been sent, check the log for 'Usage tracking failed' and the capture's "
            + "time span; if tracking was meant to be off, the log line alone is harmless (G3 logs even then).")

    static let message = "this message was logged by the client but never seen on the wire in the inputs"
}
