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
        let codeNames = context.values(withRole: .componentName).map(\.pointer)
        var path: [String] = []
        walk(context.message, path: &path, codeNames: codeNames, context: context, into: &findings)
    }

    /// Walks every string with a reusable path; a pointer is only built for a match.
    private func walk(
        _ value: JSONValue, path: inout [String], codeNames: [JSONPointer], context: MessageContext,
        into findings: inout [Finding]
    ) {
        switch value {
        case .string(let text):
            guard PersonalDataDetector.mayHoldPersonalData(text) else { return }
            let pointer = JSONPointer(tokens: path)
            report(text, at: pointer, isKey: false, checkHostNames: !codeNames.contains(pointer), context, &findings)
        case .array(let elements):
            for (i, element) in elements.enumerated() {
                path.append(String(i))
                walk(element, path: &path, codeNames: codeNames, context: context, into: &findings)
                path.removeLast()
            }
        case .object(let object):
            for (key, member) in object {
                path.append(key)
                if PersonalDataDetector.mayHoldPersonalData(key) {
                    report(key, at: JSONPointer(tokens: path), isKey: true, checkHostNames: true, context, &findings)
                }
                walk(member, path: &path, codeNames: codeNames, context: context, into: &findings)
                path.removeLast()
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
