import AuditModel
import JSONCore

/// `level.execution-disclosed`: execution detail (start and end times, execution time, app counts and
/// failures) below level 3, anywhere in the message, components included. Which fields are execution detail
/// comes from the schemas' `discloses` annotations.
public struct ExecutionDisclosedRule: MessageRule {
    public static let descriptor = RuleDescriptor(
        id: "level.execution-disclosed", defaultSeverity: .error,
        summary: "execution detail (start, end, execution_time, app_count, app_fails) below level 3",
        help: "Only level 3 may report what the workflow did and when. This message of a lower level carries such "
            + "detail, here or inside a component.",
        levels: "1-2", generations: "G4-G5",
        example: "a start with tracking_level 2 that carries start, or an app_count inside its components",
        fix: "Execution detail is level 3 only: check the client's usage_tracking setting, or report "
            + "the release upstream.")

    public init() {}

    public func check(_ context: MessageContext, into findings: inout [Finding]) {
        guard let (level, fields) = context.levelDisclosures(of: .execution) else { return }
        for annotation in fields {
            let field = annotation.pointer.tokens.last ?? "message"
            findings.append(context.finding(
                Self.descriptor, at: annotation.pointer,
                "'\(field)' is execution detail, allowed at level 3 only, but the message is level \(level)"))
        }
    }
}
