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
        var path: [String] = []
        walk(context.message, path: &path, context: context, into: &findings)
    }

    /// Walks every string with a reusable path; a pointer is only built for a match.
    private func walk(_ value: JSONValue, path: inout [String], context: MessageContext, into findings: inout [Finding]) {
        switch value {
        case .string(let text):
            var matches = PersonalDataDetector.matches(in: text)
            guard !matches.isEmpty else { return }
            let pointer = JSONPointer(tokens: path)
            // A component name is dotted code (parsl.config.Config), never a host: only its other matches count.
            if context.values(withRole: .componentName).contains(where: { $0.pointer == pointer }) {
                matches.removeAll { $0.kind == .hostName }
            }
            report(matches, at: pointer, isKey: false, context, &findings)
        case .array(let elements):
            for (i, element) in elements.enumerated() {
                path.append(String(i))
                walk(element, path: &path, context: context, into: &findings)
                path.removeLast()
            }
        case .object(let object):
            for (key, member) in object {
                path.append(key)
                let matches = PersonalDataDetector.matches(in: key)
                if !matches.isEmpty { report(matches, at: JSONPointer(tokens: path), isKey: true, context, &findings) }
                walk(member, path: &path, context: context, into: &findings)
                path.removeLast()
            }
        default: break
        }
    }

    private func report(
        _ matches: [PersonalDataDetector.Match], at pointer: JSONPointer, isKey: Bool, _ context: MessageContext,
        _ findings: inout [Finding]
    ) {
        for match in matches {
            let place = isKey ? "the key '\(pointer.tokens.last ?? "")'" : "this string"
            findings.append(context.finding(
                Self.descriptor, at: pointer,
                "\(place) holds \(match.kind.rawValue) ('\(match.text)'), personal data that identifies a person or machine",
                sensitive: [match.text]))
        }
    }
}
