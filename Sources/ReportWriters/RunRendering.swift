import Bytes
import Dispatch
import Foundation

/// Renders the runs of a long report list (`AuditList.recordRuns()`) on the calling thread and one helper
/// thread, and hands each run's text to `write` in order.
///
/// Why: once the audit is over, writing the report is the run's critical path (a sixth of a `check` of
/// 200,000 messages). Written on one thread while another prepared the findings' fingerprints, the two
/// threads' work was uneven (the writer's was longer) and the preparation read every finding once more
/// than the writer did; here both threads render, and what the fingerprints need is worked out where the
/// finding is read for its text.
///
/// Each run goes through three steps on the thread that claims it: `prepare` (anything that depends on the
/// run alone: the findings' identities), `order` (what depends on the runs before it: how often each
/// identity was met), taken one run at a time in run order, and `render`. Runs are claimed in order, and no
/// run is claimed more than `ahead` past the one being written, so memory stays a few runs' text whatever the
/// report's length. Each thread has its own `Worker` (caches that are not shared). The calling thread writes
/// each run in turn: straight from its own buffer when it rendered the run as the next to write, else from
/// the buffer it or the helper rendered it into; while the helper has the next run in hand, it renders a
/// later one. When the helper cannot start (every thread of the pool busy), the calling thread renders every
/// run: the text is the same.
enum RunRendering {
    /// Runs claimed past the one being written: a run of 1,024 findings is about half a megabyte of text, so
    /// at most a few megabytes wait, whatever the report's length (peak memory was unchanged at 200,000 and
    /// 400,000 messages).
    static let ahead = 8

    static func render<Worker, Prepared, Context>(
        runs count: Int,
        worker: @escaping @Sendable () -> Worker,
        prepare: @escaping @Sendable (inout Worker, Int) -> Prepared,
        order: @escaping @Sendable (Int, Prepared) -> Context,
        render: @escaping @Sendable (inout Worker, Int, Context, inout ByteBuffer) -> Void,
        write: (borrowing ByteBuffer) -> Void
    ) {
        let shared = Shared(count: count)
        // One run's three steps, on the thread that claimed it.
        @Sendable func rendered(_ run: Int, by worker: inout Worker, into text: inout ByteBuffer) {
            let prepared = prepare(&worker, run)
            let context = shared.inOrder(run) { order(run, prepared) }
            render(&worker, run, context, &text)
        }
        if count > 1 {
            DispatchQueue.global().async {
                var helper = worker()
                while let run = shared.claimForHelper() {
                    let text = shared.takeBuffer()
                    rendered(run, by: &helper, into: &text.bytes)
                    shared.finished(run, text)
                }
            }
        }
        var own = worker()
        var buffer = ByteBuffer(capacity: 1 << 20)
        var run = 0
        while run < count {
            switch shared.next(run) {
            case .write(let text):
                write(text.bytes)
                shared.written(run, returning: text)
                run += 1
            case .renderAndWrite:
                buffer.removeAll()
                rendered(run, by: &own, into: &buffer)
                write(buffer)
                shared.written(run, returning: nil)
                run += 1
            case .renderAhead(let later):
                let text = shared.takeBuffer()
                rendered(later, by: &own, into: &text.bytes)
                shared.finished(later, text)
            }
        }
    }

    /// What the calling thread does next.
    private enum Step {
        /// Write the next run, which the helper rendered.
        case write(Text)
        /// Render the next run, which no one had claimed, and write it.
        case renderAndWrite
        /// Render a later run, claimed while the helper renders the next one.
        case renderAhead(Int)
    }

    /// A run's text, handed between the threads.
    private final class Text: @unchecked Sendable {
        var bytes = ByteBuffer(capacity: 1 << 20)
    }

    /// What the two threads share, read and written under `condition`'s lock. `@unchecked Sendable` for that.
    private final class Shared: @unchecked Sendable {
        private let condition = NSCondition()
        private let count: Int
        private var nextToClaim = 0
        private var nextToOrder = 0
        private var nextToWrite = 0
        private var rendered: [Int: Text] = [:]
        /// Buffers written out, for the helper's next runs.
        private var spare: [Text] = []

        init(count: Int) { self.count = count }

        /// The next run for the helper; `nil` when every run is claimed.
        func claimForHelper() -> Int? {
            condition.lock()
            defer { condition.unlock() }
            while nextToClaim < count && nextToClaim >= nextToWrite + RunRendering.ahead { condition.wait() }
            guard nextToClaim < count else { return nil }
            nextToClaim += 1
            return nextToClaim - 1
        }

        /// `step` for run `run` once every run before it took its own: one at a time, in run order.
        func inOrder<Result>(_ run: Int, _ step: () -> Result) -> Result {
            condition.lock()
            defer { condition.unlock() }
            while nextToOrder != run { condition.wait() }
            let result = step()
            nextToOrder += 1
            condition.broadcast()
            return result
        }

        func takeBuffer() -> Text {
            condition.lock()
            defer { condition.unlock() }
            guard let text = spare.popLast() else { return Text() }
            text.bytes.removeAll()
            return text
        }

        func finished(_ run: Int, _ text: Text) {
            condition.lock()
            rendered[run] = text
            condition.broadcast()
            condition.unlock()
        }

        /// What the calling thread does while `run` is the next to write: write it if it is rendered, render
        /// it if no one claimed it, else render the next unclaimed run within reach; wait when there is none.
        func next(_ run: Int) -> Step {
            condition.lock()
            defer { condition.unlock() }
            while true {
                if let text = rendered.removeValue(forKey: run) { return .write(text) }
                if nextToClaim == run {
                    nextToClaim += 1
                    return .renderAndWrite
                }
                if nextToClaim < count && nextToClaim < run + RunRendering.ahead {
                    nextToClaim += 1
                    return .renderAhead(nextToClaim - 1)
                }
                condition.wait()
            }
        }

        /// Run `run` is written: the helper may claim further, and reuse `text`.
        func written(_ run: Int, returning text: Text?) {
            condition.lock()
            nextToWrite = run + 1
            if let text { spare.append(text) }
            condition.broadcast()
            condition.unlock()
        }
    }
}
