import AuditModel
import JSONCore

/// `privacy.personal-data`: a string (value or key) anywhere in the message holding an e-mail address, an IP
/// address, a home or user path, or a fully qualified host name.
public struct PersonalDataRule: MessageRule {
    public static let descriptor = RuleDescriptor(
        id: "privacy.personal-data", defaultSeverity: .error,
        summary:
            "a string value holding an e-mail address, IP address, home or user path, or fully qualified host name",
        help: "Usage messages must not identify people or machines. This string does: a user name inside a path, "
            + "an address, or a host name. It usually comes from a configuration value copied into a component.")

    public init() {}

    public func check(_ context: MessageContext, into findings: inout [Finding]) {
        // The plan lists every string of this structure once, and what its keys hold: only values are scanned.
        for place in context.plan.textPlaces {
            switch place {
            case .key(let pointer, let matches):
                report(matches, at: pointer, isKey: true, context, &findings)
            case .value(let steps, let pointer, let isComponentName):
                guard case .string(let text)? = MessagePlan.value(at: steps, in: context.message) else { continue }
                // A component name is dotted code (parsl.config.Config), never a host name.
                let matches = PersonalDataDetector.matches(in: text, checkHostNames: !isComponentName)
                guard !matches.isEmpty else { continue }
                report(matches, at: pointer, isKey: false, context, &findings)
            }
        }
    }

    private func report(
        _ matches: [PersonalDataDetector.Match], at pointer: JSONPointer, isKey: Bool, _ context: MessageContext,
        _ findings: inout [Finding]
    ) {
        for match in matches {
            let place = isKey ? "the key '\(pointer.tokens.last ?? "")'" : "this string"
            findings.append(
                context.finding(
                    Self.descriptor, at: pointer,
                    "\(place) holds \(match.kind.rawValue) ('\(match.text)'), personal data that identifies a person or machine",
                    sensitive: [match.text]))
        }
    }
}
