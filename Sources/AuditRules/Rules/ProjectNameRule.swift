import AuditModel
import Bytes
import JSONCore

/// `privacy.project-name`: the opt-in `project_name` is present; it ties the run to a named project.
public struct ProjectNameRule: MessageRule {
    public static let descriptor = RuleDescriptor(
        id: "privacy.project-name", defaultSeverity: .note,
        summary: "the opt-in, de-anonymising project_name is present",
        help: "The user set Config(project_name=...) to take part in Parsl's leaderboard. That is a choice, not a "
            + "leak, but the messages are no longer anonymous: make sure the name is one the project wants public.",
        levels: "any", generations: "G5",
        example: #""project_name": "acme-variant-calling""#,
        fix: "Nothing, if you chose to send it: the name is opt-in. Remove project_name from the "
            + "Config if the project must stay anonymous.")

    public init() {}

    public func check(_ context: MessageContext, into findings: inout [Finding]) {
        for place in context.plan.identifyingPlaces {
            guard let value = context.value(at: place) else { continue }
            let pointer = place.pointer
            let shown = value.stringValue ?? value.serialized()
            findings.append(context.finding(
                Self.descriptor, at: pointer,
                String(concatenating: "project name '", shown, "' is sent: this run is no longer anonymous"),
                sensitive: [shown]))
        }
    }
}
