import AuditModel
import JSONCore

/// `level.mismatch`: `tracking_level` differs from the level given with `--level`.
public struct LevelMismatchRule: MessageRule {
    public static let descriptor = RuleDescriptor(
        id: "level.mismatch", defaultSeverity: .error,
        summary: "tracking_level differs from --level",
        help: "The client announces another level than the one it was configured with: either the configuration "
            + "did not take effect, or the message was not produced by this configuration.",
        levels: "1-3", generations: "G4-G5 (they send tracking_level)",
        example: "check --level 1 on a start message whose tracking_level is 3",
        fix: "Either the workflow's Config(usage_tracking=…) is not what you expected, or --level "
            + "names the wrong level.")

    public init() {}

    public func check(_ context: MessageContext, into findings: inout [Finding]) {
        guard case .fixed(let expected) = context.configuration.level, expected > 0, context.kind == .start,
            let (pointer, value) = context.values(withRole: .level).first
        else { return }
        guard value.exactInteger != Int64(expected) else { return }
        findings.append(context.finding(
            Self.descriptor, at: pointer,
            "the message says tracking level \(value) but the client was configured with level \(expected)"))
    }
}
