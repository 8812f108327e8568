import AuditInputs
import AuditModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The live check: a thread of its own that reads the journal as the receiver commits it, and feeds every record
/// to the checker, printing a line per finding.
///
/// It reads the journal rather than taking datagrams from the receiver: so "journal first" holds by construction
/// (the checker sees only what is already in the file), a slow checker never slows the receiver or loses anything
/// (the backlog waits on disk, not in memory), and the live report is the one `check` gives for the same journal.
///
/// `@unchecked Sendable`: every mutable property is guarded by `condition`; the checker itself never leaves the
/// thread that made it.
final class LiveCheck: @unchecked Sendable {
    /// What the check found, handed over when its thread ends.
    struct Outcome: Sendable {
        /// Spooled as they are found (see `AuditListBuilder`), so a collector that runs for days keeps
        /// flat memory.
        var messages: AuditList<AuditedMessage> = []
        var findings: AuditList<Finding> = []
        var rules: [RuleDescriptor] = []
        var disclosure: DisclosureMatrix?
        /// Set when the journal could not be read back.
        var readError: String?
        /// The senders of the messages, and what was found in them.
        var hosts = HostInventory()
    }

    private enum Phase {
        /// The checker exists; the journal does not yet.
        case ready
        case reading(path: String, source: String)
        case cancelled
    }

    private let condition = NSCondition()
    private var phase = Phase.ready
    private var startupError: CollectorError?
    private var started = false
    private var committedBytes = 0
    private var writerClosed = false
    private var outcome: Outcome?
    private var waiters: [CheckedContinuation<Outcome, Never>] = []
    private let output: LiveOutput

    private init(output: LiveOutput) {
        self.output = output
    }

    /// Starts the thread and makes the checker on it; returns once the checker exists (or throws why it could not
    /// be made), before any socket is bound or journal created.
    static func start(factory: @escaping LiveCheckerFactory, output: LiveOutput) throws(CollectorError) -> LiveCheck {
        let live = LiveCheck(output: output)
        let thread = Thread { live.run(factory: factory) }
        thread.name = "usage-audit live check"
        thread.start()
        live.condition.lock()
        while !live.started { live.condition.wait() }
        let error = live.startupError
        live.condition.unlock()
        if let error { throw error }
        return live
    }

    /// Begins reading the journal at `path`, whose header is already written.
    func begin(path: String, source: String, committedBytes: Int) {
        condition.lock()
        phase = .reading(path: path, source: source)
        self.committedBytes = committedBytes
        condition.broadcast()
        condition.unlock()
    }

    /// Ends the thread without reading anything (the collector could not start).
    func cancel() {
        condition.lock()
        phase = .cancelled
        condition.broadcast()
        condition.unlock()
    }

    /// The writer has committed `bytes` bytes of journal. Called by the receiver after every record.
    func advance(to bytes: Int) {
        condition.lock()
        committedBytes = bytes
        condition.signal()
        condition.unlock()
    }

    /// The writer is closed at `bytes`: the check reads to there, finishes, and hands over its outcome.
    func close(at bytes: Int) {
        condition.lock()
        committedBytes = bytes
        writerClosed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The outcome, once the thread has read the whole journal and finished the checker.
    func result() async -> Outcome {
        await withCheckedContinuation { continuation in
            condition.lock()
            if let outcome {
                condition.unlock()
                continuation.resume(returning: outcome)
            } else {
                waiters.append(continuation)
                condition.unlock()
            }
        }
    }

    // MARK: The thread

    private func run(factory: LiveCheckerFactory) {
        #if os(Linux)
            // Under CPU pressure the check should fall behind (it catches up from the journal), not the receiver
            // (the kernel would drop datagrams). On Linux a nice value is per thread, and `who` 0 is the calling one.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)  // 0: the calling thread
        #endif
        let checker: any LiveRecordChecker
        do {
            checker = try factory()
        } catch {
            condition.lock()
            startupError = CollectorError(code: .checker, message: "cannot start the checker: \(error)", cause: error)
            started = true
            condition.broadcast()
            condition.unlock()
            return
        }
        condition.lock()
        started = true
        condition.broadcast()
        while case .ready = phase { condition.wait() }
        let phase = self.phase
        condition.unlock()
        guard case .reading(let path, let source) = phase else { return }

        var outcome = Outcome(rules: checker.rules, disclosure: checker.liveDisclosure)
        var found = FoundSoFar()
        do {
            let tail = try JournalTail(path: path)
            outcome.readError = read(tail, source: source, checker: checker, into: &found)
        } catch {
            outcome.readError = error.description
            // Nothing can be read back: wait for the writer to close so the outcome comes at the stop.
            waitForClose()
        }
        let last = checker.finish()
        take(last, into: &found)
        outcome.messages = found.messages.finish()
        outcome.hosts = found.hosts
        outcome.findings = found.findings.finish()
        condition.lock()
        self.outcome = outcome
        let waiting = waiters
        waiters = []
        condition.unlock()
        for waiter in waiting { waiter.resume(returning: outcome) }
    }

    /// Keeps a step's messages and findings, printing a line per finding.
    private func take(_ step: consuming LiveStep, into found: inout FoundSoFar) {
        var step = step
        found.take(messages: &step.messages, findings: &step.findings) { output.finding($0) }
    }

    /// Checks the journal as it grows until the writer closes it; the reader's error, if any.
    private func read(
        _ tail: JournalTail, source: String, checker: any LiveRecordChecker, into found: inout FoundSoFar
    )
        -> String?
    {
        let reader = JournalReader(tail, source: source)
        var seen = -1
        while true {
            condition.lock()
            while committedBytes == seen && !writerClosed { condition.wait() }
            seen = committedBytes
            let closed = writerClosed
            condition.unlock()
            tail.limit = seen
            tail.isComplete = closed
            while let item = reader.nextItem() {
                take(checker.check(reader.record(of: item), source: source), into: &found)
            }
            if closed { break }
            if tail.error != nil {
                // The file changed under the collector: what is left cannot be trusted; the read error says why.
                waitForClose()
                break
            }
        }
        return reader.readError
    }

    private func waitForClose() {
        condition.lock()
        while !writerClosed { condition.wait() }
        condition.unlock()
    }
}

/// Where live lines go: the terminal (standard error) in `listen`, a collecting closure in tests.
public struct LiveOutput: Sendable {
    /// Writes one line (without its newline).
    public var write: @Sendable (String) -> Void
    /// Rewrites a finding's line before it is shown (`--redact` masks its sensitive values).
    public var redact: @Sendable (String, Finding) -> String
    /// Lines the output could not take and dropped so far.
    public var dropped: @Sendable () -> Int
    /// Waits, at most the given seconds, for the lines written so far to reach the output.
    public var flush: @Sendable (Double) -> Void

    public init(
        write: @escaping @Sendable (String) -> Void,
        redact: @escaping @Sendable (String, Finding) -> String = { line, _ in line },
        dropped: @escaping @Sendable () -> Int = { 0 }, flush: @escaping @Sendable (Double) -> Void = { _ in }
    ) {
        self.write = write
        self.redact = redact
        self.dropped = dropped
        self.flush = flush
    }

    /// Lines to standard error through a bounded queue and a thread of its own (`StandardErrorLines`): nothing
    /// waits on standard error; lines it cannot take are dropped and counted.
    public static let standardError = LiveOutput(
        write: { StandardErrorLines.shared.write($0) }, dropped: { StandardErrorLines.shared.dropped },
        flush: { StandardErrorLines.shared.flush(timeout: $0) })

    /// No live lines at all (`--quiet`).
    public static let silent = LiveOutput(write: { _ in })

    func finding(_ finding: Finding) {
        write(redact(LiveLine.finding(finding), finding))
    }
}
