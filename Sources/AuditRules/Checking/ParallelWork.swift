import DequeModule
import Dispatch
import Synchronization

/// Work on items that need nothing from one another, spread over the processors, results in item order so
/// that the output does not depend on the thread count: all at once, while the calling thread waits
/// (`ParallelWork.map`: the message schemas compiled at the start), or streamed, while it reads and writes
/// (`WorkFeed`: the records of `check`, the lines of `validate --ndjson`).
public enum ParallelWork {
    /// `transform` of every index below `count`, in index order, computed on up to `threads` threads (in a
    /// few chunks per thread, so a slow chunk does not leave the others idle). One thread, or `minimumCount`
    /// items or fewer, stay on the calling thread: handing them over would cost more than it saves. Items
    /// that are each large work (a schema to compile) set it lower.
    public static func map<Result: Sendable>(
        count: Int, threads: Int, minimumCount: Int = 64, _ transform: @Sendable (Int) -> Result
    ) -> [Result] {
        guard threads > 1, count > minimumCount else { return (0..<count).map(transform) }
        let slots = ResultSlots<Result>(count: count)
        let chunks = min(threads * 4, count)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let lower = count * chunk / chunks, upper = count * (chunk + 1) / chunks
            for index in lower..<upper { slots.store(transform(index), at: index) }
        }
        return slots.take()
    }
}

/// Result slots that parallel workers fill at distinct indices. `@unchecked Sendable` because each slot is
/// written by exactly one worker, through memory allocated once (no array uniqueness check or reallocation
/// can race), and read only after the workers are done (`concurrentPerform` returns, or the pipeline's
/// dispatch group is waited for), which orders the accesses.
///
/// The elements lie in raw slots beside a table of which are filled, not as optionals: the session step
/// completes each verdict where it lies (`subscript`), and an optional's payload cannot be lent in place.
final class ResultSlots<Element>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Element>
    private let filled: UnsafeMutableBufferPointer<Bool>
    let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        filled = .allocate(capacity: count)
        filled.initialize(repeating: false)
    }

    deinit {
        for index in 0..<count where filled[index] { (slots + index).deinitialize(count: 1) }
        slots.deallocate()
        filled.deallocate()
    }

    /// Takes `element` (moved in, not copied: a verdict holds dozens of references).
    func store(_ element: consuming Element, at index: Int) {
        precondition(!filled[index], "a result slot is written once")
        (slots + index).initialize(to: element)
        filled[index] = true
    }

    /// Lets `initialize` make the element at `index` in its slot (`initialize` must initialize the memory it
    /// is handed): a verdict made where it will lie is moved nowhere.
    func initialize(at index: Int, _ initialize: (UnsafeMutablePointer<Element>) -> Void) {
        precondition(!filled[index], "a result slot is written once")
        initialize(slots + index)
        filled[index] = true
    }

    /// The result at `index` where it lies: read or changed in place, never copied out. A verdict is 368
    /// bytes; taken out into an array for the session step, each was copied twice more, through memory a
    /// batch of them outgrows the processor's cache with.
    subscript(index: Int) -> Element {
        unsafeAddress {
            precondition(filled[index], "an empty result slot")
            return UnsafePointer(slots + index)
        }
        unsafeMutableAddress {
            precondition(filled[index], "an empty result slot")
            return slots + index
        }
    }

    /// Destroys the result at `index` (done with), leaving its slot empty.
    func discard(at index: Int) {
        precondition(filled[index], "an empty result slot")
        (slots + index).deinitialize(count: 1)
        filled[index] = false
    }

    /// Moves the results out (no copy), leaving the slots empty.
    func take() -> [Element] {
        var results: [Element] = []
        results.reserveCapacity(count)
        for index in 0..<count {
            precondition(filled[index], "an empty result slot")
            results.append((slots + index).move())
            filled[index] = false
        }
        return results
    }
}

/// Work handed to threads in chunks through one first-in, first-out feed: `threads - 1` lanes take the
/// chunks as they come, and the thread that adds them runs chunks too whenever it waits for results
/// (`PendingResults.wait`, `help(until:)`), so no more than `threads` threads work and none sleeps while a
/// chunk waits. The streaming parallel step of `check` (records handed over as they are read) and of
/// `validate --ndjson` (lines), where the adding thread also reads the input and writes the output.
///
/// Why not a part of each batch per thread: beside the thread that reads and writes, `threads` workers
/// shared two processors three ways; the scheduler let one run alone, and it finished its part and slept
/// while another still worked, a processor idle about an eighth of the time.
public final class WorkFeed: @unchecked Sendable {
    /// Each chunk is run with the number of the thread that runs it: 0 for the thread that adds them, 1 and
    /// up for the lanes (`AuditRun` gives each its own auditor).
    private let chunks = Mutex<Deque<@Sendable (_ lane: Int) -> Void>>(Deque())
    /// Counts the chunks added, then the lanes released when the feed closes.
    private let added = DispatchSemaphore(value: 0)
    private let lanes: Int
    private let lanesDone = DispatchGroup()

    /// Starts `threads - 1` lanes, each on a serial queue of its own, taking chunks until the feed closes.
    public init(threads: Int) {
        lanes = max(1, threads) - 1
        for lane in 1..<(lanes + 1) {
            DispatchQueue(label: "usage-audit.lane-\(lane)").async(group: lanesDone) { [self] in
                while let chunk = next() { chunk(lane) }
            }
        }
    }

    func add(_ chunk: @escaping @Sendable (_ lane: Int) -> Void) {
        chunks.withLock { $0.append(chunk) }
        added.signal()
    }

    /// The oldest chunk not yet taken, waiting for one to be added; `nil` once the feed is closed.
    private func next() -> (@Sendable (_ lane: Int) -> Void)? {
        added.wait()
        return chunks.withLock { $0.popFirst() }
    }

    /// The oldest chunk not yet taken, if there is one now.
    private func nextIfAny() -> (@Sendable (_ lane: Int) -> Void)? {
        guard added.wait(timeout: .now()) == .success else { return nil }
        return chunks.withLock { $0.popFirst() }
    }

    /// Runs the feed's chunks (of the awaited work or later work) on the calling thread until `group` is
    /// done; sleeps only when every chunk is taken and the last are still running on the lanes.
    func help(until group: DispatchGroup) {
        while group.wait(timeout: .now()) == .timedOut {
            guard let chunk = nextIfAny() else {
                group.wait()
                return
            }
            chunk(0)
        }
    }

    /// `transform` of every index below `count`, computed in chunks of `chunkSize` on the feed's threads; the
    /// results, in index order, from `wait()`.
    public func map<Result: Sendable>(
        count: Int, chunkSize: Int = 128, _ transform: @escaping @Sendable (Int) -> Result
    ) -> PendingResults<Result> {
        let pending = PendingResults<Result>(count: count, feed: self)
        let (slots, done) = (pending.slots, pending.done)
        for lower in stride(from: 0, to: count, by: chunkSize) {
            let indices = lower..<min(lower + chunkSize, count)
            done.enter()
            add { _ in
                for index in indices { slots.store(transform(index), at: index) }
                done.leave()
            }
        }
        return pending
    }

    /// Runs what is left in the feed (the callers wait for all they add, so normally nothing), then lets the
    /// lanes end and waits for them. Called once no more work will be added.
    public func close() {
        while let chunk = nextIfAny() { chunk(0) }
        for _ in 0..<lanes { added.signal() }
        lanesDone.wait()
    }
}

/// The results of a `WorkFeed.map`, being computed.
public final class PendingResults<Result>: @unchecked Sendable {
    let slots: ResultSlots<Result>
    let done = DispatchGroup()
    private let feed: WorkFeed

    init(count: Int, feed: WorkFeed) {
        slots = ResultSlots(count: count)
        self.feed = feed
    }

    /// The results in index order, moved out; until they are all made, the calling thread runs the feed's
    /// chunks itself. Called once.
    public func wait() -> [Result] {
        feed.help(until: done)
        return slots.take()
    }
}
