import AuditInputs
import AuditModel
import JSONCore

/// What the session step made of one record: the messages released to the report (in the order of their
/// first sighting; a message waits in the checker while later sightings of it may still come) and the
/// findings to report.
public struct CheckStep: Sendable {
    public var messages: [AuditedMessage] = []
    public var findings: [Finding] = []
    /// Whether the record held a message its input had not shown before: what the input's message count
    /// counts (a message seen on two interfaces of one capture counts once).
    public var newInInput = false

    public init() {}
}

/// Checks records one after another: the record rules, then the session step, which matches sightings of
/// one message (in several inputs, on several interfaces) and pairs sessions. One per run (it holds the
/// sessions and the recent messages); `listen` feeds it live, `AuditRun` feeds it the verdicts it computed
/// in parallel.
public final class Checker {
    public let auditor: RecordAuditor
    private let sessions: SessionTracker
    private let ledger: ObservationLedger

    public init(auditor: RecordAuditor) {
        self.auditor = auditor
        self.sessions = SessionTracker(configuration: auditor.configuration)
        self.ledger = ObservationLedger(capacity: auditor.configuration.observationCapacity)
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

    /// Distinct messages released before the end of the run to keep memory bounded: a later sighting of one
    /// of them counted as a new message.
    public var forgottenMessages: Int { ledger.forgotten }

    /// Keep the decoded content of every message, not only of those with findings: the HTML report's
    /// disclosure matrix counts every message audited, clean ones included.
    public var keepsEveryPayload = false

    /// Checks one record of input number `input` (0 for a single input).
    public func check(_ record: InputRecord, source: String, input: Int = 0) -> CheckStep {
        var verdict = auditor.audit(record, source: source)
        if let region = record.region { verdict.place(at: region, locator: record.locator) }
        return complete(&verdict, input: input)
    }

    /// The session step for a verdict computed elsewhere (in parallel), in input order.
    public func complete(_ verdict: inout RecordVerdict, input: Int) -> CheckStep {
        var step = CheckStep()
        guard let first = verdict.message else {
            swap(&step.findings, &verdict.findings)
            return step
        }
        let stream = SightingStream(input: input, interface: verdict.interface)
        if let content = verdict.content, let ticket = ledger.earlierSend(of: content, on: stream) {
            // Another sighting of a message already reported: its findings were reported at the first one.
            step.newInInput = ledger.addSighting(
                Observation(source: first.source, locator: first.locator, network: first.network), on: stream,
                origin: verdict.origin, to: ticket)
            return step
        }
        let ticket = ledger.nextTicket
        let heldKey = verdict.session?.key
        let holds = sessions.observe(&verdict, ticket: ticket)
        var message = verdict.message.take()!
        if message.findings == 0 && !holds && !keepsEveryPayload { message.payload = nil }
        ledger.add(
            message, content: verdict.content, stream: stream, origin: verdict.origin, heldEnd: holds ? heldKey : nil)
        step.newInInput = true
        // The verdict's findings are moved, not copied.
        swap(&step.findings, &verdict.findings)
        let evictions = sessions.takeEvictions()
        if !evictions.isEmpty { step.findings += evictions }
        record(sessions.takeJudged(), into: &step)
        while ledger.isFull { release(into: &step, forgetting: true) }
        return step
    }

    /// Ends whose start never arrived, sessions left open, and every message still waiting for sightings.
    public func finish() -> CheckStep {
        var step = CheckStep()
        let open = sessions.finish()
        record(sessions.takeJudged(), into: &step)
        step.findings += open
        while ledger.count > 0 { release(into: &step, forgetting: false) }
        return step
    }

    /// The `--reconcile` rule a message breaks when only one side saw it.
    private static func reconciliation(_ origins: SightingOrigin) -> (descriptor: RuleDescriptor, message: String)? {
        if origins == .log { return (LoggedNotSentRule.descriptor, LoggedNotSentRule.message) }
        if origins == .wire { return (SentNotLoggedRule.descriptor, SentNotLoggedRule.message) }
        return nil
    }

    /// Gives judged ends their level and finding count, and reports their findings.
    private func record(_ judged: [SessionTracker.JudgedEnd], into step: inout CheckStep) {
        for end in judged {
            ledger.update(end.ticket) { entry in
                entry.message.level = end.level
                entry.message.findings = end.findingCount
                entry.heldEnd = nil
            }
            step.findings += end.findings
        }
    }

    /// Releases the oldest message to the report, judging it first if it is an end still waiting for its start.
    private func release(into step: inout CheckStep, forgetting: Bool) {
        guard let (ticket, entry) = ledger.oldest else { return }
        if let key = entry.heldEnd {
            sessions.judgeHeld(key: key, ticket: ticket)
            record(sessions.takeJudged(), into: &step)
        }
        let released = ledger.removeOldest(forgetting: forgetting)
        var message = released.message
        if auditor.configuration.reconcile, message.parsed,
            let rule = Self.reconciliation(released.origins)
        {
            var finding = Finding(
                rule.descriptor, source: message.source, locator: message.locator, level: message.level,
                correlator: message.correlator, message: rule.message)
            finding.network = message.network
            step.findings.append(finding)
            message.findings += 1
        }
        if message.findings == 0 && !keepsEveryPayload { message.payload = nil }
        step.messages.append(message)
    }
}
