import AuditModel
import JSONCore

/// `schema.violation`: the message breaks its level's schema. The finding names the JSON Schema keyword and
/// both locations (in the message and in the schema).
public struct SchemaViolationRule: MessageRule {
    public static let descriptor = RuleDescriptor(
        id: "schema.violation", defaultSeverity: .error,
        summary: "the message breaks its level's schema",
        help: "The message does not have the shape Parsl's protocol gives it at this level and generation: a field "
            + "of the wrong type, an unknown field, or a missing one. Unknown fields are how new disclosures "
            + "appear, so each one is reported.",
        levels: "1-3", generations: "all",
        example: #"a level-2 start whose python_v is "3.11" instead of X.Y.Z, or a field no schema of its "#
            + "generation knows",
        fix: "Read the keyword and the schema location in the finding: either the client sends "
            + "something its level does not define, or the schemas need a new generation.")

    /// At most this many violations are reported per message; the rest are summed up in one more finding.
    static let perMessageLimit = 20

    public init() {}

    public func check(_ context: MessageContext, into findings: inout [Finding]) {
        let violations = context.schemaViolations
        for violation in violations.prefix(Self.perMessageLimit) {
            findings.append(context.finding(
                Self.descriptor, at: violation.instanceLocation,
                "\(violation.message) (keyword '\(violation.keyword)' at \(violation.keywordLocation) of "
                    + "\(context.schema.path), \(violation.absoluteKeywordLocation))"))
        }
        if violations.count > Self.perMessageLimit {
            findings.append(context.finding(
                Self.descriptor, "and \(violations.count - Self.perMessageLimit) more schema violations in this message"))
        }
    }
}
