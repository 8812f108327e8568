import AuditInputs
import AuditModel
import JSONCore

/// Checks records one after another: the record rules, then the session step. One per run (it holds the
/// sessions); `listen` feeds it live, `AuditRun` feeds it the verdicts it computed in parallel.
public final class Checker {
    public let auditor: RecordAuditor
    private let sessions: SessionTracker

    public init(auditor: RecordAuditor) {
        self.auditor = auditor
        self.sessions = SessionTracker(configuration: auditor.configuration)
    }

    /// Loads the embedded schemas (or `schemasDirectory`) and the schema engine.
    public convenience init(configuration: CheckConfiguration, schemasDirectory: String? = nil) throws(SchemaSetError) {
        let schemas: ParslSchemaSet
        if let schemasDirectory {
            schemas = try ParslSchemaSet.load(directory: schemasDirectory)
        } else {
            schemas = try ParslSchemaSet.embedded()
        }
        let validator = try EngineSchemaValidator(schemas: schemas)
        self.init(auditor: RecordAuditor(schemas: schemas, validator: validator, configuration: configuration))
    }

    public var rules: [RuleDescriptor] { RuleCatalogue.all }
    public var disclosure: DisclosureMatrix { DisclosureMatrixBuilder.matrix(of: auditor.schemas) }

    /// Checks one record: its message (if it holds one) and every finding about it, session findings
    /// included, and findings about sessions forgotten to keep memory bounded.
    public func check(_ record: InputRecord, source: String) -> (message: AuditedMessage?, findings: [Finding]) {
        var verdict = auditor.audit(record, source: source)
        if let region = record.region { verdict.place(at: region, locator: record.locator) }
        return complete(&verdict)
    }

    /// The session step for a verdict computed elsewhere (in parallel, in input order).
    public func complete(_ verdict: inout RecordVerdict) -> (message: AuditedMessage?, findings: [Finding]) {
        let sessionFindings = sessions.observe(&verdict)
        var message = verdict.message.take()
        if message?.findings == 0 { message?.payload = nil }
        // The verdict's findings are moved, not copied; most records add nothing to them here.
        var findings: [Finding] = []
        swap(&findings, &verdict.findings)
        if !sessionFindings.isEmpty { findings += sessionFindings }
        let evictions = sessions.takeEvictions()
        if !evictions.isEmpty { findings += evictions }
        return (message, findings)
    }

    /// Findings about sessions left open at the end of the input.
    public func finish() -> [Finding] { sessions.finish() }
}
