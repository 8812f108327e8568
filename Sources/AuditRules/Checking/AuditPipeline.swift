import AuditInputs
import AuditModel
import Dispatch

extension AuditRun {
    /// Checks every record of `reader`: records are audited in parallel batches on `threads` threads and
    /// completed by the session step in input order on the calling thread, each step handed to `body` in
    /// that order (`input` numbers the input within the run, for matching sightings across inputs), so the outcome does not depend on timing or thread count.
    ///
    /// Up to `batchesAhead` batches are audited while this thread completes the oldest one, so neither side
    /// waits for the other's slowest moment: with a single batch ahead, the workers sat idle while this
    /// thread read the next batch, and this thread waited while they finished theirs. Memory stays bounded
    /// by those batches.
    ///
    /// Without `identifyingContent` the messages get no identity: for a run in which no message can be seen
    /// twice (see `RecordAuditor.identifiesContent`).
    public func check(
        _ reader: some RecordReader, checker: Checker, input: Int = 0, identifyingContent: Bool = true,
        body: (CheckStep) -> Void
    ) {
        var auditor = checker.auditor
        auditor.identifiesContent = identifyingContent
        var inFlight: [PipelineBatch] = []
        var exhausted = false
        while !exhausted || !inFlight.isEmpty {
            if !exhausted {
                var batch: [InputRecord] = []
                batch.reserveCapacity(batchSize)
                while batch.count < batchSize, let record = reader.next() { batch.append(record) }
                if batch.isEmpty {
                    exhausted = true
                } else {
                    inFlight.append(PipelineBatch(batch, source: reader.source, run: self, auditor: auditor))
                }
            }
            guard inFlight.count > Self.batchesAhead || (exhausted && !inFlight.isEmpty) else { continue }
            var verdicts = inFlight.removeFirst().wait()
            for i in verdicts.indices {
                body(checker.complete(&verdicts[i], input: input))
            }
        }
    }

    /// How many batches are audited ahead of the one being completed.
    static let batchesAhead = 2

    /// Audits a batch of records on `threads` threads; the verdicts come back in record order. Unless a report
    /// reads them (`keepPayloads`, `keepFindingPayloads`), the decoded messages are released on the auditing
    /// threads; the session step drops those of messages without findings unless every one is kept.
    public func auditBatch(_ batch: [InputRecord], source: String, auditor: RecordAuditor) -> [RecordVerdict] {
        let keepPayloads = keepPayloads || keepFindingPayloads
        return ParallelWork.map(count: batch.count, threads: threads) {
            auditor.audit(batch[$0], source: source, keepingPayload: keepPayloads)
        }
    }
}

/// A batch being audited on other threads; `wait()` returns its verdicts in record order. `@unchecked
/// Sendable` because the verdicts are written once by the worker before it signals, and read only after.
private final class PipelineBatch: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var verdicts: [RecordVerdict] = []

    init(_ batch: [InputRecord], source: String, run: AuditRun, auditor: RecordAuditor) {
        DispatchQueue.global().async { [self] in
            verdicts = run.auditBatch(batch, source: source, auditor: auditor)
            done.signal()
        }
    }

    /// Moves the verdicts out, so that completing them in place copies nothing.
    func wait() -> [RecordVerdict] {
        done.wait()
        var taken: [RecordVerdict] = []
        swap(&taken, &verdicts)
        return taken
    }
}
