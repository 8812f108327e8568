import AuditInputs
import AuditModel
import Dispatch

extension AuditRun {
    /// Checks every record of `reader`: records are audited in parallel batches on `threads` threads and
    /// completed by the session step in input order on the calling thread, each step handed to `body` in
    /// that order (`input` numbers the input within the run, for matching sightings across inputs), so the outcome does not depend on timing or thread count.
    ///
    /// Each batch is split over `threads` lanes (serial queues, one part each) and up to `batchesAhead`
    /// batches are in flight while this thread completes the oldest one, so neither side waits for the
    /// other's slowest moment: with a single batch ahead, the workers sat idle while this thread read the
    /// next batch, and this thread waited while they finished theirs. Memory stays bounded by those batches.
    ///
    /// Why lanes rather than the shared pool: batches in flight on the pool, each spread over `threads`
    /// threads, audited on every processor whatever `threads` said (`--threads 1` too). A lane takes the
    /// next batch's part as soon as it finishes one, so no thread waits for another's last chunk either.
    /// Whole-process time is the same (0.99x, paired, 200,000 messages, two processors).
    ///
    /// Without `identifyingContent` the messages get no identity: for a run in which no message can be seen
    /// twice (see `RecordAuditor.identifiesContent`).
    public func check(
        _ reader: some RecordReader, checker: Checker, input: Int = 0, identifyingContent: Bool = true,
        body: (CheckStep) -> Void
    ) {
        var auditor = checker.auditor
        auditor.identifiesContent = identifyingContent
        let lanes = (0..<max(1, threads)).map { DispatchQueue(label: "usage-audit.audit-lane-\($0)") }
        var inFlight: [PipelineBatch] = []
        var step = CheckStep()
        var exhausted = false
        while !exhausted || !inFlight.isEmpty {
            if !exhausted {
                var batch: [InputRecord] = []
                batch.reserveCapacity(batchSize)
                while batch.count < batchSize, let record = reader.next() { batch.append(record) }
                if batch.isEmpty {
                    exhausted = true
                } else {
                    inFlight.append(PipelineBatch(batch, source: reader.source, run: self, auditor: auditor, on: lanes))
                }
            }
            guard inFlight.count > Self.batchesAhead || (exhausted && !inFlight.isEmpty) else { continue }
            var verdicts = inFlight.removeFirst().wait()
            for i in verdicts.indices {
                checker.complete(&verdicts[i], input: input, into: &step)
                body(step)
                step.removeAll()
            }
        }
    }

    /// How many batches are audited ahead of the one being completed.
    static let batchesAhead = 2

    /// Audits one record of a batch. Unless a report reads them (`keepPayloads`, `keepFindingPayloads`), the
    /// decoded messages are released on the auditing thread; the session step drops those of messages
    /// without findings unless every one is kept.
    func audit(_ record: InputRecord, source: String, auditor: RecordAuditor) -> RecordVerdict {
        auditor.audit(record, source: source, keepingPayload: keepPayloads || keepFindingPayloads)
    }
}

/// A batch being audited on the lanes, a contiguous part on each; `wait()` returns its verdicts in record
/// order. `@unchecked Sendable`: each verdict is written once, by the lane auditing its part, into its own
/// slot, and read only after the group says every part is done.
private final class PipelineBatch: @unchecked Sendable {
    private let done = DispatchGroup()
    private let verdicts: ResultSlots<RecordVerdict>

    /// A part is at least this many records: a smaller batch (a short input) uses fewer lanes.
    static let smallestPart = 64

    init(_ batch: [InputRecord], source: String, run: AuditRun, auditor: RecordAuditor, on lanes: [DispatchQueue]) {
        let verdicts = ResultSlots<RecordVerdict>(count: batch.count)
        self.verdicts = verdicts
        let parts = max(1, min(lanes.count, batch.count / Self.smallestPart))
        for part in 0..<parts {
            let records = (batch.count * part / parts)..<(batch.count * (part + 1) / parts)
            lanes[part].async(group: done) {
                for index in records {
                    verdicts.store(run.audit(batch[index], source: source, auditor: auditor), at: index)
                }
            }
        }
    }

    /// Moves the verdicts out, so that completing them in place copies nothing.
    func wait() -> [RecordVerdict] {
        done.wait()
        return verdicts.take()
    }
}
