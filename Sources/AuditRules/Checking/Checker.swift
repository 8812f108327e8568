import AuditInputs
import AuditModel
import Dispatch
import JSONCore

/// What the session step made of one record: the messages released to the report (in the order of their
/// first sighting; a message waits in the checker while later sightings of it may still come) and the
/// findings to report.
public struct CheckStep: Sendable {
    public var messages: [AuditedMessage] = []
    public var findings: [Finding] = []
    /// The messages of `messages` released before their session step judged them (only with
    /// `Checker.releasesBeforeJudgment`): their judgment comes in `judged`, of this step or a later one.
    public var awaiting: [AwaitingJudgment] = []
    /// The judgments of messages released before them, in an earlier step or this one.
    public var judged: [LaterJudgment] = []
    /// Whether the record held a message its input had not shown before: what the input's message count
    /// counts (a message seen on two interfaces of one capture counts once).
    public var newInInput = false

    public init() {}

    /// Adds a later step's messages, findings and judgments after this one's, as if they were one step.
    public mutating func append(_ later: CheckStep) {
        let shift = messages.count
        messages.append(contentsOf: later.messages)
        findings.append(contentsOf: later.findings)
        awaiting.append(
            contentsOf: later.awaiting.map { waiting in
                var shifted = waiting
                shifted.position += shift
                return shifted
            })
        judged.append(contentsOf: later.judged)
        newInInput = newInInput || later.newInInput
    }

    /// Empties the step, keeping its arrays' storage for the next record's step.
    public mutating func removeAll() {
        messages.removeAll(keepingCapacity: true)
        findings.removeAll(keepingCapacity: true)
        awaiting.removeAll(keepingCapacity: true)
        judged.removeAll(keepingCapacity: true)
        newInInput = false
    }
}

/// Checks records one after another: the record rules, then the session step, which matches sightings of
/// one message (in several inputs, on several interfaces) and pairs sessions. A finding carries the network
/// evidence of its message's first sighting that has any: with `awaitsLaterEvidence`, the findings about a
/// message first seen in a log wait with the message until a capture or journal shows it, or until it is
/// released. One per run (it holds the
/// sessions and the recent messages); `listen` feeds it live, `AuditRun` feeds it the verdicts it computed
/// in parallel.
public final class Checker {
    public let auditor: RecordAuditor
    private let sessions: SessionTracker
    private let ledger: ObservationLedger
    /// The auditors of the pipeline's other threads, kept from input to input (`AuditRun.check`).
    let laneAuditors = LaneAuditors()

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

    /// How many findings may wait for a later sighting to name their sender.
    public static let findingsAwaitingEvidenceLimit = 10_000

    /// Let the findings about a message without network evidence wait (at most
    /// `findingsAwaitingEvidenceLimit` of them) for a later sighting that has some: for a run over several
    /// inputs, where a capture listed after a log may show who sent the log's messages. Off, findings are
    /// reported as soon as they are found (one input: a sighting with evidence comes first or never).
    public var awaitsLaterEvidence = false {
        didSet { ledger.parkingCapacity = awaitsLaterEvidence ? Self.findingsAwaitingEvidenceLimit : 0 }
    }

    /// Release an end message waiting for its start to the report at once, its judgment (level and finding
    /// count) following when its start arrives or its wait ends (`CheckStep.awaiting` and `judged`), for a
    /// caller that completes the kept message then (`FoundSoFar`). Off, such an end holds back every message
    /// after it until it is judged: a hundred thousand messages waiting in the ledger behind one end whose
    /// start was never captured, all released at the end of the run. Only where nothing else can change a
    /// message once seen (`passesSettled`); the same report either way. One difference no report shows: a
    /// message released before its finding count is known keeps the payload its verdict carried, even if it
    /// ends with none (only SARIF, for the messages findings point at, and HTML, with `keepsEveryPayload`,
    /// read payloads).
    public var releasesBeforeJudgment = false

    /// Whether a message leaves for the report as soon as nothing can change it (`ObservationLedger.
    /// oldestIsSettled`) rather than when the ledger is full: true in a run over one stream (no identities,
    /// so no later sighting can match a message) where no finding waits for evidence, so the ledger holds
    /// only the ends waiting for their start and what came after them. Not with `--reconcile`, whose
    /// findings are made when a message leaves: leaving earlier would reorder them among the others.
    private var passesSettled: Bool { ledger.parkingCapacity == 0 && !auditor.configuration.reconcile }

    /// Checks one record of input number `input` (0 for a single input).
    public func check(_ record: InputRecord, source: String, input: Int = 0) -> CheckStep {
        var verdict = auditor.audit(record, source: source)
        return complete(&verdict, input: input)
    }

    /// The session step for a verdict computed elsewhere (in parallel), in input order.
    public func complete(_ verdict: inout RecordVerdict, input: Int) -> CheckStep {
        var step = CheckStep()
        complete(&verdict, input: input, into: &step)
        return step
    }

    /// Brings what completing `verdict` will look up first (its session's slot) into the cache: the session
    /// step calls it a few records ahead, so the probe of a table larger than the cache does not wait on memory.
    func prefetch(for verdict: borrowing RecordVerdict) { sessions.prefetch(verdict) }

    /// The same into `step`, empty, which the caller reads and then empties (`CheckStep.removeAll`): the
    /// pipeline keeps one step for every record rather than allocating its arrays for each.
    public func complete(_ verdict: inout RecordVerdict, input: Int, into step: inout CheckStep) {
        // Tested, not bound: binding the message would copy it.
        guard verdict.message.isPresent else {
            swap(&step.findings, &verdict.findings)
            return
        }
        let stream = SightingStream(input: input, interface: verdict.interface)
        if let content = verdict.content, let ticket = ledger.earlierSend(of: content, on: stream) {
            // Another sighting of a message already reported: its findings were reported at the first one, or
            // wait for the network evidence this sighting may bring.
            let first = verdict.message!
            let sighting = ledger.addSighting(
                Observation(source: first.source, locator: first.locator, network: first.network), on: stream,
                origin: verdict.origin, to: ticket)
            step.newInInput = sighting.newInInput
            step.findings = sighting.evidenced
            return
        }
        let ticket = ledger.nextTicket
        let heldKey = verdict.session?.key
        let holds = sessions.observe(&verdict, ticket: ticket)
        // The message stays in the verdict until it is handed on, then is taken out: bound to a local first,
        // it was copied where it went (and the local destroyed), about 360 instructions a record.
        if verdict.message!.findings == 0 && !holds && !keepsEveryPayload { verdict.message!.payload = nil }
        let evident = verdict.message!.network.isPresent
        if ledger.count == 0 && passesSettled && !verdict.content.isPresent && (!holds || releasesBeforeJudgment) {
            // Nothing but its judgment can change it, and no message waits before it: straight to the report.
            ledger.passThrough()
            if holds { step.awaiting.append(AwaitingJudgment(position: step.messages.count, ticket: ticket)) }
            step.messages.append(verdict.message.take()!)
        } else {
            ledger.add(
                verdict.message.take()!, content: verdict.content, stream: stream, origin: verdict.origin,
                heldEnd: holds ? heldKey : nil)
        }
        step.newInInput = true
        if evident || ledger.parkingCapacity == 0 {
            // The verdict's findings carry the message's evidence already, or there is none to wait for (a
            // message without evidence has none to lend): moved, not copied.
            swap(&step.findings, &verdict.findings)
        } else {
            deliver(verdict.findings, ticket: ticket, into: &step)
        }
        let evictions = sessions.takeEvictions()
        if !evictions.isEmpty { deliver(evictions, into: &step) }
        record(sessions.takeJudged(), into: &step)
        while passesSettled && ledger.oldestIsSettled { release(into: &step, forgetting: false) }
        while ledger.isFull { release(into: &step, forgetting: true) }
        if releasesBeforeJudgment {
            // An end released before its judgment is judged without its start when the ledger would have
            // released it, full, had it waited there: the same window either way.
            sessions.judgeHeld(before: ledger.nextTicket - ledger.capacity)
            record(sessions.takeJudged(), into: &step)
        }
    }

    /// Ends whose start never arrived, sessions left open, and every message still waiting for sightings.
    public func finish() -> CheckStep {
        var last = CheckStep()
        finish { step in last.append(step) }
        return last
    }

    /// The same in two steps, handed to `take` in order: the ends judged without their start, then the
    /// sessions left open and the messages still held. Two, so that the open sessions' findings (a fifth of
    /// all findings of a large run) are handed over whole: appended to the judged ends' findings, each was
    /// copied and its copy destroyed (a dozen references counted up, then down), 17 million instructions
    /// for 200,000 messages on the one thread that works at the end of a run. `take` may move the steps'
    /// messages and findings out (`FoundSoFar.take`).
    ///
    /// With `threads` above one, the open sessions' findings are made, and the open sessions then dropped,
    /// on another thread while this one judges the held ends and `take`s them: the other processor is
    /// otherwise idle at the end of a run. For 200,000 messages that takes about 65 million of the 190
    /// million instructions that ran there one after another, and the end of the run from about 63 to 35
    /// ms (under perf); it costs about 8 MB more at the peak, whatever the input's length: tcmalloc keeps
    /// more free spans in its page heap (83 against 73 MiB at exit) when memory is made or freed on the
    /// other thread meanwhile (either alone cost as much; marking that thread idle did not help).
    public func finish(threads: Int = 1, _ take: (inout CheckStep) -> Void) {
        let open = threads > 1 ? OpenSessionFindings(madeOnAnotherThreadFrom: sessions) : nil
        sessions.judgeEveryHeldEnd()
        var judged = CheckStep()
        record(sessions.takeJudged(), into: &judged)
        take(&judged)
        let openFindings = open?.wait() ?? sessions.openSessionFindings()
        sessions.forgetEverySession()
        var rest = CheckStep()
        deliver(openFindings, into: &rest)
        while ledger.count > 0 { release(into: &rest, forgetting: false) }
        take(&rest)
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
            let waiting = ledger.update(end.ticket) { entry in
                entry.message.level = end.level
                entry.message.findings = end.findingCount
                entry.heldEnd = nil
            }
            if !waiting {
                // Released before its judgment (`releasesBeforeJudgment`): the judgment follows it.
                assert(releasesBeforeJudgment, "a held end left the ledger before its judgment")
                step.judged.append(LaterJudgment(ticket: end.ticket, level: end.level, findings: end.findingCount))
            }
            deliver(end.findings, ticket: end.ticket, into: &step)
        }
    }

    /// Reports findings about the message with `ticket` (or, without one, the message each finding points
    /// at) with that message's network evidence; those about a held message without any yet wait with it.
    private func deliver(_ findings: [Finding], ticket: Int? = nil, into step: inout CheckStep) {
        // No message waits in the ledger and none can wait for evidence: nothing to lend, nothing to park.
        if ledger.count == 0 && ledger.parkingCapacity == 0 {
            // Taken whole into an empty step (the end of a run hands over every open session's finding at
            // once): appending would copy each finding, a dozen references each.
            if step.findings.isEmpty { step.findings = findings } else { step.findings.append(contentsOf: findings) }
            return
        }
        for finding in findings { ledger.lend(finding, ticket: ticket, into: &step.findings) }
    }

    /// Releases the oldest message to the report, judging it first if it is an end still waiting for its start.
    private func release(into step: inout CheckStep, forgetting: Bool) {
        guard let (ticket, heldEnd) = ledger.oldest else { return }
        if let key = heldEnd {
            sessions.judgeHeld(key: key, ticket: ticket)
            record(sessions.takeJudged(), into: &step)
        }
        let released = ledger.removeOldest(forgetting: forgetting)
        var message = released.message
        // Findings that waited for network evidence no sighting brought.
        step.findings += released.parked
        if auditor.configuration.reconcile, message.parsed,
            let rule = Self.reconciliation(released.origins)
        {
            var finding = Finding(
                rule.descriptor, source: message.source, locator: message.locator, level: message.level,
                correlator: message.correlator, message: rule.message)
            finding.network = released.evidence
            finding.subject = Finding.Subject(message)
            step.findings.append(finding)
            message.findings += 1
        }
        if message.findings == 0 && !keepsEveryPayload { message.payload = nil }
        step.messages.append(message)
    }
}

/// The findings of the sessions left open at the end of a run, made on a thread of the global queue, which
/// then drops those sessions.
///
/// `@unchecked Sendable`: the other thread uses only the tracker's open sessions and their numbers
/// (`SessionTracker.openSessionFindings`, `forgetOpenSessions`), which the calling thread leaves alone
/// until `wait` returns (it judges the held ends meanwhile, `SessionTracker.judgeEveryHeldEnd`); the
/// findings are written there once and read here only after the group says they are done.
private final class OpenSessionFindings: @unchecked Sendable {
    private let sessions: SessionTracker
    private var findings: [Finding] = []
    private let done = DispatchGroup()

    init(madeOnAnotherThreadFrom sessions: SessionTracker) {
        self.sessions = sessions
        done.enter()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            findings = self.sessions.openSessionFindings()
            self.sessions.forgetOpenSessions()
            done.leave()
        }
    }

    /// The findings, once made (moved out: no copy).
    func wait() -> [Finding] {
        done.wait()
        var taken: [Finding] = []
        swap(&taken, &findings)
        return taken
    }
}
