import AuditModel
import JSONCore

/// `privacy.personal-data`: a string (value or key) anywhere in the message holding an e-mail address, an IP
/// address, a home or user path, or a fully qualified host name.
public struct PersonalDataRule: MessageRule {
    public static let descriptor = RuleDescriptor(
        id: "privacy.personal-data", defaultSeverity: .error,
        summary: "a string value holding an e-mail address, IP address, home or user path, or fully qualified host name",
        help: "Usage messages must not identify people or machines. This string does: a user name inside a path, "
            + "an address, or a host name. It usually comes from a configuration value copied into a component.")

    public init() {}

    public func check(_ context: MessageContext, into findings: inout [Finding]) {
        let codeNames = Set(context.values(withRole: .componentName).map(\.pointer))
        walk(context.message, at: .root, codeNames: codeNames, context: context, into: &findings)
    }

    private func walk(
        _ value: JSONValue, at pointer: JSONPointer, codeNames: Set<JSONPointer>, context: MessageContext,
        into findings: inout [Finding]
    ) {
        switch value {
        case .string(let text):
            report(text, at: pointer, isKey: false, checkHostNames: !codeNames.contains(pointer), context, &findings)
        case .array(let elements):
            for (i, element) in elements.enumerated() {
                walk(element, at: pointer.appending(i), codeNames: codeNames, context: context, into: &findings)
            }
        case .object(let object):
            for (key, member) in object {
                let child = pointer.appending(key)
                report(key, at: child, isKey: true, checkHostNames: true, context, &findings)
                walk(member, at: child, codeNames: codeNames, context: context, into: &findings)
            }
        default: break
        }
    }

    private func report(
        _ text: String, at pointer: JSONPointer, isKey: Bool, checkHostNames: Bool, _ context: MessageContext,
        _ findings: inout [Finding]
    ) {
        for match in PersonalDataDetector.matches(in: text, checkHostNames: checkHostNames) {
            let place = isKey ? "the key '\(pointer.tokens.last ?? "")'" : "this string"
            findings.append(context.finding(
                Self.descriptor, at: pointer,
                "\(place) holds \(match.kind.rawValue) ('\(match.text)'), personal data that identifies a person or machine",
                sensitive: [match.text]))
        }
    }
}
