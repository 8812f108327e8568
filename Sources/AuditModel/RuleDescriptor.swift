/// What a rule is, for reports, SARIF's rule catalogue and `usage-audit rules explain`. The id is stable: CI
/// configurations, baselines and expectation files depend on it.
public struct RuleDescriptor: Sendable, Hashable {
    /// A stable id such as `privacy.personal-data`.
    public let id: String
    public let defaultSeverity: Severity
    /// One line: what the rule detects.
    public let summary: String
    /// Why it matters, in a few sentences a non-expert understands.
    public let help: String
    /// The tracking levels whose messages the rule concerns (`1`, `2-3`, `any`...).
    public let levels: String
    /// The client generations concerned (`all`, `G0-G2`...; see docs for the generations).
    public let generations: String
    /// A short example of what the rule reports.
    public let example: String
    /// What to do about a finding.
    public let fix: String

    public init(
        id: String, defaultSeverity: Severity, summary: String, help: String, levels: String = "",
        generations: String = "", example: String = "", fix: String = ""
    ) {
        self.id = id
        self.defaultSeverity = defaultSeverity
        self.summary = summary
        self.help = help
        self.levels = levels
        self.generations = generations
        self.example = example
        self.fix = fix
    }

    /// The part of the id before the first dot: `protocol`, `capture`, `schema`, `level`, `privacy`,
    /// `session`...
    public var category: String { String(id.prefix(while: { $0 != "." })) }
}
