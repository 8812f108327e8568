import AuditModel

/// `input.too-few-messages`: the whole run found fewer distinct messages than `--min-messages` asks for. A
/// CI job states how many messages its workflow must produce; fewer means part of what it sends went
/// unaudited (or was never sent), which must fail the job.
public struct TooFewMessagesRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "input.too-few-messages", defaultSeverity: .error,
        summary: "the run found fewer distinct messages than --min-messages",
        help: "--min-messages N says the inputs must hold at least N distinct usage messages (one start per "
            + "run, and an end at level 3). Fewer were found, so the audit cannot vouch for what the client "
            + "sends: check that the client ran with tracking on, that the collector or capture saw its "
            + "traffic (address, port), or audit what it logged (parsl.log).",
        levels: "any", generations: "all",
        example: "`listen --min-messages 2` for a level-3 workflow that sent only its start message",
        fix: "Make the client send (tracking on, the collector's address mapped, the right port), audit the "
            + "inputs that hold its messages, or lower --min-messages to what the workflow really sends.")

    /// The finding about the run as a whole, attached to `source` (the run's first input, or the journal).
    public static func finding(found: Int, minimum: Int, source: String) -> Finding {
        let what = found == 1 ? "1 distinct usage message" : "\(found) distinct usage messages"
        return Finding(
            descriptor, source: source, locator: nil,
            message: "\(what) in the whole run, fewer than --min-messages \(minimum)")
    }
}
