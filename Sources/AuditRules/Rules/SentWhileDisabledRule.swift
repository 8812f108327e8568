import AuditModel
import JSONCore

/// `level.sent-while-disabled`: a usage message from a client configured with tracking off (`--level 0`).
public struct SentWhileDisabledRule: MessageRule {
    public static let descriptor = RuleDescriptor(
        id: "level.sent-while-disabled", defaultSeverity: .error,
        summary: "a usage message from a client configured with usage tracking off (--level 0)",
        help: "Usage tracking is opt-in: a client configured with usage_tracking=0 (or False) must send nothing. "
            + "Some old clients also honoured the PARSL_TRACKING environment variable; check both.",
        levels: "0 (tracking off)", generations: "all",
        example: "any usage message from a run configured with usage_tracking=0 (checked with --level 0)",
        fix: "The client sends although tracking is off: report it upstream, and block UDP port 50077 "
            + "for that client meanwhile.")

    public init() {}

    public func check(_ context: MessageContext, into findings: inout [Finding]) {
        guard context.configuration.level.isDisabled else { return }
        let kind = context.kind.rawValue
        findings.append(context.finding(
            Self.descriptor,
            context.framing == .logged
                ? "a \(kind) message was built and logged although usage tracking was configured off (the log alone does not prove it was sent: check the wire)"
                : "a \(kind) message was sent although usage tracking was configured off"))
    }
}
