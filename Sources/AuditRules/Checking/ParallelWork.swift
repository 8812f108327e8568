import Dispatch

/// The parallel step of `check` (a batch of records) and of `validate` (a batch of NDJSON lines): work on
/// items that need nothing from one another, spread over the processors, results in item order so that the
/// output does not depend on the thread count.
public enum ParallelWork {
    /// `transform` of every index below `count`, in index order, computed on up to `threads` threads (in a
    /// few chunks per thread, so a slow chunk does not leave the others idle). One thread, or `minimumCount`
    /// items or fewer (64: lines of NDJSON), stay on the calling thread: handing them over would cost more
    /// than it saves. Items that are each large work (a schema to compile) set it lower.
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
final class ResultSlots<Element>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Element?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    /// Takes `element` (moved in, not copied: a verdict holds dozens of references).
    func store(_ element: consuming Element, at index: Int) { slots[index] = consume element }

    var count: Int { slots.count }

    /// Moves the results out (no copy), leaving the slots empty.
    func take() -> [Element] { take(count) }

    /// Moves the first `count` results out (no copy), leaving those slots empty.
    func take(_ count: Int) -> [Element] { (0..<count).map { slots[$0].take()! } }
}
