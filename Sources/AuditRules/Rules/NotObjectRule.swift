import AuditModel

/// `protocol.not-object`: the top-level JSON value is not an object.
public struct NotObjectRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "protocol.not-object", defaultSeverity: .error,
        summary: "top level is not an object",
        help: "Every Parsl usage message is a JSON object. An array, string or number at the top cannot be a "
            + "usage message.",
        levels: "any", generations: "all",
        example: #"1["parsl.config.Config"] or 1"hello""#,
        fix: "A usage message is a JSON object; check that the input holds Parsl usage datagrams.")
}
