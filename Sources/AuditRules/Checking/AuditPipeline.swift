import AuditInputs
import AuditModel
import Dispatch
import Foundation

extension AuditRun {
    /// Checks every record of `reader`: records are audited in parallel on `threads` threads, the calling
    /// thread among them, and completed by the session step in input order on the calling thread, each step
    /// handed to `body` in that order (`input` numbers the input within the run, for matching sightings
    /// across inputs), so the outcome does not depend on timing or thread count. `body` may take the step's
    /// messages and findings out of it (`FoundSoFar.take`); the step is emptied for the next record after.
    ///
    /// The calling thread reads the records in batches and hands them to the other threads in chunks as it
    /// reads them, through a `WorkFeed`. Up to `batchesAhead` batches are in flight while it completes the
    /// oldest one; while that batch is not done, it audits the feed's next chunk itself rather than wait. So
    /// no thread sleeps while there is a chunk to audit, and no more threads audit than `threads`
    /// (`--threads 1`: the calling thread alone). Memory stays bounded by the batches in flight.
    ///
    /// Without `identifyingContent` the messages get no identity: for a run in which no message can be seen
    /// twice (see `RecordAuditor.identifiesContent`).
    public func check(
        _ reader: some RecordReader, checker: Checker, input: Int = 0, identifyingContent: Bool = true,
        body: (inout CheckStep) -> Void
    ) {
        var auditor = checker.auditor
        auditor.identifiesContent = identifyingContent
        let feed = WorkFeed(threads: threads)
        defer { feed.close() }
        var inFlight: [PipelineBatch] = []
        var step = CheckStep()
        var exhausted = false
        while !exhausted || !inFlight.isEmpty {
            if !exhausted {
                let batch = PipelineBatch(
                    source: reader.source, run: self, auditor: auditor, laneAuditors: checker.laneAuditors)
                while batch.count < batchSize, let record = reader.next() { batch.add(record, to: feed) }
                batch.seal(to: feed)
                if batch.count == 0 {
                    exhausted = true
                } else {
                    inFlight.append(batch)
                }
            }
            guard inFlight.count > Self.batchesAhead || (exhausted && !inFlight.isEmpty) else { continue }
            // Each verdict completed where its chunk's slot holds it, then destroyed there: copied nowhere.
            for chunk in inFlight.removeFirst().waitForVerdicts(helping: feed) {
                for index in 0..<chunk.count {
                    if index + Self.prefetchDistance < chunk.count {
                        checker.prefetch(for: chunk[index + Self.prefetchDistance])
                    }
                    checker.complete(&chunk[index], input: input, into: &step)
                    chunk.discard(at: index)
                    body(&step)
                    step.removeAll()
                }
            }
        }
    }

    /// How many batches are audited ahead of the one being completed.
    static let batchesAhead = 2

    /// How many records ahead of the one being completed its session's slot is brought into the cache.
    static let prefetchDistance = 2

    /// Audits one record of a batch. Unless a report reads them (`keepPayloads`, `keepFindingPayloads`), the
    /// decoded messages are released on the auditing thread; the session step drops those of messages
    /// without findings unless every one is kept.
    func audit(
        _ record: InputRecord, source: String, auditor: RecordAuditor, into slot: UnsafeMutablePointer<RecordVerdict>
    ) {
        auditor.audit(record, source: source, keepingPayload: keepPayloads || keepFindingPayloads, into: slot)
    }
}

/// A batch being read and audited: its records go to the feed in chunks as they are read; `wait(helping:)`
/// returns its verdicts in record order. `@unchecked Sendable`: the records being gathered, the chunks' slots
/// and the count are touched by the reading thread only; each verdict is written once, by the thread auditing
/// its chunk, into its own slot, and read only after the group says every chunk is done.
private final class PipelineBatch: @unchecked Sendable {
    private let done = DispatchGroup()
    /// Each chunk's verdicts, made with the chunk (a batch of a short input is as small as its records).
    private var chunks: [ResultSlots<RecordVerdict>] = []
    private let source: String
    private let run: AuditRun
    private let auditor: RecordAuditor
    private let laneAuditors: LaneAuditors
    /// The records read since the last chunk was handed over.
    private var gathering: [InputRecord] = []
    /// Records read into the batch.
    private(set) var count = 0

    /// Records audited at a time: small enough that the threads end a batch together and the lanes start
    /// on the first records while the rest are read, large enough that taking one costs nothing beside
    /// auditing it.
    static let chunkSize = 128

    init(source: String, run: AuditRun, auditor: RecordAuditor, laneAuditors: LaneAuditors) {
        self.source = source
        self.run = run
        self.auditor = auditor
        self.laneAuditors = laneAuditors
        gathering.reserveCapacity(Self.chunkSize)
    }

    func add(_ record: InputRecord, to feed: WorkFeed) {
        gathering.append(record)
        count += 1
        if gathering.count == Self.chunkSize { handOver(to: feed) }
    }

    /// Hands over the records read since the last chunk: the batch is complete.
    func seal(to feed: WorkFeed) {
        if !gathering.isEmpty { handOver(to: feed) }
    }

    /// One chunk on the feed, with its own slots under the batch's group. Not a `WorkFeed.map` of the chunk:
    /// its results come back through a closure that returns each verdict, one more copy of it, 0.15% more
    /// instructions for `check` (measured).
    private func handOver(to feed: WorkFeed) {
        var taken: [InputRecord] = []
        swap(&taken, &gathering)
        gathering.reserveCapacity(Self.chunkSize)
        let records = taken, verdicts = ResultSlots<RecordVerdict>(count: records.count)
        chunks.append(verdicts)
        let (run, auditor, laneAuditors, done) = (run, auditor, laneAuditors, done)
        laneAuditors.count(records.count)
        let source = Self.chunkCopy(of: source)
        done.enter()
        feed.add { lane in
            let auditor = lane == 0 ? auditor : laneAuditors.auditor(forLane: lane, like: auditor)
            for (offset, record) in records.enumerated() {
                verdicts.initialize(at: offset) { run.audit(record, source: source, auditor: auditor, into: $0) }
            }
            done.leave()
        }
    }

    /// The input's name in storage of the chunk's own. Every message and finding holds its input's name, and
    /// every copy of one counts a reference to the name's storage: one storage for the whole input had both
    /// processors counting references on one cache line, each taking it from the other (about thirteen
    /// atomic counts a record, perf's probe showed). A chunk's verdicts are made by one thread and completed
    /// by the session step after the chunk is done, so each copy's line moves once. A name of up to 15 bytes
    /// lies inside the string itself and is kept as it is.
    static func chunkCopy(of name: String) -> String {
        name.utf8.count <= 15 ? name : name.withUTF8InPlace { String(decoding: $0, as: UTF8.self) }
    }

    /// The chunks' slots, every verdict in them, in record order (to be completed where they lie); until the
    /// batch is done, the calling thread audits the feed's next chunks (of this batch or a later one) instead
    /// of sleeping.
    func waitForVerdicts(helping feed: WorkFeed) -> [ResultSlots<RecordVerdict>] {
        feed.help(until: done)
        return chunks
    }
}

/// The auditors of a run's lanes (`WorkFeed`'s threads beside the one that reads), one each, made by the lane
/// that first needs it and kept for the run's later inputs: each an independent copy of the checker's
/// (`RecordAuditor.independentCopy()`), so that no two processors count references on the same compiled
/// schemas and caches. The reading thread audits with the checker's own.
///
/// Only once a run has handed `recordsBeforeCopies` records over: a copy costs its lane a few milliseconds
/// (the schemas compiled again), which a run of a few inputs of a few messages (a folder of fixtures) would
/// wait for, and saves a long run up to a twentieth of its CPU time (when the processors do not share a
/// cache; nothing when they do). Until then the lanes share the checker's auditor. `@unchecked Sendable`:
/// `made` and `records` are read and written under `lock`; an auditor is made outside it, by the one lane
/// that uses it.
final class LaneAuditors: @unchecked Sendable {
    /// 16,384 records: eight batches. Set before a run only (the tests set it lower).
    var recordsBeforeCopies = 16_384
    private let lock = NSLock()
    private var made: [Int: RecordAuditor] = [:]
    private var records = 0

    /// Counts records handed to the lanes (the reading thread, as it hands each chunk over).
    func count(_ handedOver: Int) { lock.withLock { records += handedOver } }

    /// The lanes that have an auditor of their own.
    var lanesWithCopies: [Int] { lock.withLock { made.keys.sorted() } }

    /// Lane `lane`'s auditor, with what a run sets on its own copy of the checker's (`identifiesContent`)
    /// taken from `template`: `template` itself until the run is long enough for copies.
    func auditor(forLane lane: Int, like template: RecordAuditor) -> RecordAuditor {
        let (known, copies) = lock.withLock { (made[lane], records >= recordsBeforeCopies) }
        guard copies else { return template }
        var auditor: RecordAuditor
        if let known {
            auditor = known
        } else {
            auditor = template.independentCopy()
            lock.withLock { made[lane] = auditor }
        }
        auditor.identifiesContent = template.identifiesContent
        return auditor
    }
}
