import AuditModel

/// `protocol.duplicate-key`: an object repeats a key.
public struct DuplicateKeyRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "protocol.duplicate-key", defaultSeverity: .error,
        summary: "an object repeats a key",
        help: "JSON readers disagree on repeated keys (first wins, last wins, or error), so one message can be read "
            + "two ways: a message with two tracking_level members could pass an audit and be counted at another "
            + "level. The message is not checked further.",
        levels: "any", generations: "all",
        example: #"1{"correlator": "a…", "correlator": "b…"}"#,
        fix: "Two readers of the message may take different values; find what injected the second key.")
}
