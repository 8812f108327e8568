/// What a rule is, for reports and SARIF's rule catalogue. The id is stable: CI configurations and
/// expectation files depend on it.
public struct RuleDescriptor: Sendable, Hashable {
    /// A stable id such as `privacy.personal-data`.
    public let id: String
    public let defaultSeverity: Severity
    /// One line: what the rule detects.
    public let summary: String
    /// Why it matters and what to do, in a few sentences a non-expert understands.
    public let help: String

    public init(id: String, defaultSeverity: Severity, summary: String, help: String) {
        self.id = id
        self.defaultSeverity = defaultSeverity
        self.summary = summary
        self.help = help
    }

    /// The part of the id before the first dot: `protocol`, `capture`, `schema`, `level`, `privacy`,
    /// `session`.
    public var category: String { String(id.prefix(while: { $0 != "." })) }
}
