import AuditModel

/// `protocol.legacy`: the bare-JSON protocol of Parsl before April 2024 (generations G0 to G2).
public struct LegacyProtocolRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "protocol.legacy", defaultSeverity: .warning,
        summary: "bare-JSON protocol of Parsl before April 2024",
        help: "The client predates April 2024: it sends bare JSON without the protocol byte, cannot be limited to a "
            + "tracking level, and older releases of that time send hashed user and host names and the kernel "
            + "release. Upgrade Parsl.",
        levels: "any", generations: "G0-G2 (Parsl before April 2024)",
        example: #"{"uuid": "…", "parsl_v": "1.2.0", "python_v": "3.9.7", "os": "Linux", …} sent without "#
            + "the leading protocol byte 1",
        fix: "Upgrade Parsl: clients since April 2024 send the versioned protocol with tracking "
            + "levels.")
}
