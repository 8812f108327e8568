import AuditModel
import Bytes
import JSONCore

/// `privacy.forbidden-field`: a field no generation may send again (hashed user and host names, the kernel
/// release), as the schemas annotate them (`discloses: forbidden`).
public struct ForbiddenFieldRule: MessageRule {
    public static let descriptor = RuleDescriptor(
        id: "privacy.forbidden-field", defaultSeverity: .error,
        summary: "a field no generation may send again: hashed user or host names (uname, hname), kernel release (os_v)",
        help: "Old clients sent short hashes of the user and host names, which a dictionary reverses, and the "
            + "kernel release, which fingerprints the machine. Parsl removed them because they contradict "
            + "anonymity. Upgrade the client.",
        levels: "any", generations: "G0-G2",
        example: #"{"uuid": "…", "uname": "4e1d0f6a52", "hname": "9c1185a5c5", "os_v": "5.15.0-91-generic", "#
            + "…}",
        fix: "Upgrade Parsl: these fields were removed upstream because they identify users and "
            + "machines (a dictionary of a site's names reverses the hashes).")

    public init() {}

    public func check(_ context: MessageContext, into findings: inout [Finding]) {
        for place in context.plan.forbiddenPlaces {
            let value = context.value(at: place)
            let pointer = place.pointer
            let field = pointer.tokens.last ?? "message"
            var text = String(concatenating: "'", field, "' must never be sent: it identifies the user or the machine")
            var sensitive = value?.stringValue.map { [$0] } ?? []
            // The proof: a listed user or host name hashes to the sent value (G0's uname and hname).
            if let hash = value?.stringValue, let name = context.configuration.identities.name(hashedAs: hash) {
                text += "; '\(hash)' is the hash of '\(name)' (--identities)"
                sensitive.append(name)
            }
            findings.append(context.finding(Self.descriptor, at: pointer, text, sensitive: sensitive))
        }
    }
}
