import AuditModel
import JSONCore

/// `level.config-disclosed`: configuration detail in a message of a level that must not carry it (level 1).
/// Which fields are configuration comes from the schemas' `discloses` annotations.
public struct ConfigDisclosedRule: MessageRule {
    public static let descriptor = RuleDescriptor(
        id: "level.config-disclosed", defaultSeverity: .error,
        summary: "configuration detail (e.g. components) in a level-1 message",
        help: "Level 1 promises versions and platform only. This message also carries the workflow's configuration "
            + "(executors, providers, launchers), which the user did not agree to send.",
        levels: "1", generations: "G4-G5",
        example: "a start with tracking_level 1 that carries components",
        fix: "Level 1 must send versions and platform only: set usage_tracking=1 correctly or upgrade "
            + "the client; report it upstream if a release does this.")

    public init() {}

    public func check(_ context: MessageContext, into findings: inout [Finding]) {
        guard let (level, fields) = context.levelDisclosures(of: .configuration) else { return }
        for annotation in fields {
            let field = annotation.pointer.tokens.last ?? "message"
            findings.append(context.finding(
                Self.descriptor, at: annotation.pointer,
                "'\(field)' is configuration detail, allowed from level \(annotation.minimumLevel ?? 2), but the message is level \(level)"))
        }
    }
}
