import AuditModel
import Bytes
import JSONCore

/// `privacy.timestamp-precision`: a start or end time with sub-second digits, which helps match a message to
/// a job in a site's logs.
public struct TimestampPrecisionRule: MessageRule {
    public static let descriptor = RuleDescriptor(
        id: "privacy.timestamp-precision", defaultSeverity: .warning,
        summary: "a timestamp with sub-second precision (a fingerprint)",
        help: "Whole seconds are enough for usage statistics. Microsecond timestamps let anyone holding a site's "
            + "scheduler or firewall logs match the message to one job and so to one user.",
        levels: "3", generations: "G0-G2 (float seconds)",
        example: #""start": 1700000000.123456"#,
        fix: "Upgrade the client: current releases send whole seconds.")

    public init() {}

    public func check(_ context: MessageContext, into findings: inout [Finding]) {
        check(.startTime, context, &findings)
        check(.endTime, context, &findings)
    }

    /// The places of `role`, read one by one (this runs for every message: see `MessageContext.roleValue`).
    private func check(_ role: FieldRole, _ context: MessageContext, _ findings: inout [Finding]) {
        for index in context.plan.roleRanges[role.ordinal] {
            let value = context.roleValue(index)
            guard case .real(let seconds) = value, seconds.isFinite, seconds.rounded(.down) != seconds else { continue }
            let pointer = context.plan.rolePlaces[index].pointer
            findings.append(context.finding(
                Self.descriptor, at: pointer,
                String(
                    concatenating: "'", pointer.tokens.last ?? "", "' has sub-second precision (",
                    String(describing: value), "): whole seconds would do")))
        }
    }
}
