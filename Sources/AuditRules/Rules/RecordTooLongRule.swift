import AuditModel

/// `input.record-too-long`: a line or record beyond the read limit. Its content was never read, so it is an
/// error: an audit that skipped a message must not pass.
public struct RecordTooLongRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "input.record-too-long", defaultSeverity: .error,
        summary: "a line or record beyond the read limit: not audited, so never a pass",
        help: "A usage datagram is at most 64 KiB, and a log line quoting one a little longer. This line is longer "
            + "than the reader's limit, so it was not read as a message and whatever it holds was not audited. "
            + "Check that the input is what you meant to audit (not a binary file or a file of another kind).",
        levels: "any", generations: "all",
        example: "a 2 MB line in a file given as wire or NDJSON input, or a log line quoting a huge value",
        fix: "Check that the input is what you meant to audit (not a binary or a file of another "
            + "kind); split or trim it if it really is a usage input.")

    static func message(limit: Int) -> String {
        "line longer than \(limit) bytes: not read as a message, so its content was not audited"
    }
}
