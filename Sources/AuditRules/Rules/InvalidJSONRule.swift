import AuditModel
import JSONCore

/// `protocol.invalid-json`: not JSON (syntax, `NaN`/`Infinity`, trailing bytes, numbers out of range, nesting
/// or size beyond the limits).
public struct InvalidJSONRule: MessageRule {
    public static let descriptor = RuleDescriptor(
        id: "protocol.invalid-json", defaultSeverity: .error,
        summary: "not JSON (syntax, NaN/Infinity, trailing bytes)",
        help: "The payload is not valid JSON, so a collector may reject or misread it. Python's json.dumps writes "
            + "NaN and Infinity, which JSON forbids; send finite numbers (or null) instead.",
        levels: "any", generations: "all",
        example: #"1{"correlator": "…", "start": NaN}: Python's json.dumps writes NaN and Infinity, which "#
            + "are not JSON",
        fix: "Find which value is not finite or not JSON in the client's configuration; report it "
            + "upstream if the client wrote it.")

    public init() {}

    /// Non-finite numbers in a message decoded from `parsl.log`: `json.dumps` would put `NaN` on the wire.
    public func check(_ context: MessageContext, into findings: inout [Finding]) {
        // Only a logged dict can hold them: a datagram with NaN never decodes in the first place.
        guard context.framing == .logged else { return }
        Self.nonFinite(in: context.message, at: .root) { pointer, value in
            let name = value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity")
            findings.append(context.finding(
                Self.descriptor, at: pointer,
                "\(name) here would be sent as \(name) by json.dumps, which is not JSON"))
        }
    }

    static func nonFinite(in value: JSONValue, at pointer: JSONPointer, _ report: (JSONPointer, Double) -> Void) {
        switch value {
        case .real(let d) where !d.isFinite: report(pointer, d)
        case .array(let elements):
            for (i, element) in elements.enumerated() { nonFinite(in: element, at: pointer.appending(i), report) }
        case .object(let object):
            for (key, member) in object { nonFinite(in: member, at: pointer.appending(key), report) }
        default: break
        }
    }
}
