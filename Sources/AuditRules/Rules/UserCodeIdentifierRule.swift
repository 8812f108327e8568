import AuditModel
import Bytes
import JSONCore

/// `privacy.user-code-identifier`: a component named outside the allowed namespaces (`parsl.` unless
/// `--allow-namespace` adds more): the user's own module and class names leave the machine.
public struct UserCodeIdentifierRule: MessageRule {
    public static let descriptor = RuleDescriptor(
        id: "privacy.user-code-identifier", defaultSeverity: .error,
        summary: "a component named outside the allowed namespaces (default parsl.)",
        help: "Parsl reports every object of the configuration by its module and class name, so a provider or "
            + "launcher written by the user (say acme_genomics.cluster.AcmeProvider) names the user's private code. "
            + "Use --allow-namespace for third-party packages that are public.",
        levels: "2-3", generations: "G3-G5",
        example: #"components: ["parsl.config.Config", "acme_genomics.cluster.AcmeProvider"]"#,
        fix: "Your own classes in the configuration are reported by their module and class names: run "
            + "at level 1, or allow your namespace explicitly with --allow-namespace if you accept it.")

    public init() {}

    public func check(_ context: MessageContext, into findings: inout [Finding]) {
        for (pointer, name) in context.userCodeComponents {
            findings.append(context.finding(
                Self.descriptor, at: pointer,
                String(
                    concatenating: "component '", name,
                    "' names code outside Parsl: it discloses the user's module and class names"),
                sensitive: [name]))
        }
    }
}
