import Foundation
import Storage
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Live lines to standard error that never make anyone wait: a bounded queue drained by a thread of its own.
///
/// Standard error may be a pipe nobody reads (a stalled terminal, a log shipper that fell over): a `write(2)`
/// to it then blocks for ever. Receiving, journaling, the live check and the signal handler only enqueue; when
/// the queue is full the line is dropped and counted (the report and the final summary line say how many).
/// Only the writer thread ever blocks, and nothing waits for it, except `flush`, which gives up after its
/// timeout.
///
/// `@unchecked Sendable`: every mutable property is guarded by `condition`.
public final class StandardErrorLines: @unchecked Sendable {
    /// The process's one writer to standard error.
    public static let shared = StandardErrorLines(descriptor: 2)

    /// Lines queued at most; beyond, lines are dropped. A finding line is about 200 bytes, so the queue holds
    /// some 200 KB at worst.
    public static let capacity = 1024

    private let descriptor: Int32
    private let condition = NSCondition()
    private var queue: [String] = []
    private var head = 0
    /// When the line being written was handed to `write(2)`; `nil` between lines.
    private var writingSince: Date?
    private var started = false
    private var droppedCount = 0

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Lines dropped so far because the queue was full.
    public var dropped: Int {
        condition.lock()
        defer { condition.unlock() }
        return droppedCount
    }

    /// Queues a line (without its newline), or drops it when the queue is full. Never blocks on the output.
    public func write(_ line: String) {
        condition.lock()
        defer { condition.unlock() }
        if !started {
            started = true
            let thread = Thread { [self] in drain() }
            thread.name = "usage-audit standard error"
            thread.start()
        }
        guard queue.count - head < Self.capacity else {
            droppedCount += 1
            return
        }
        queue.append(line)
        condition.broadcast()
    }

    /// Waits until every queued line is written, or `seconds` have passed, or the output has taken nothing
    /// for `stallLimit` (it may never take anything again). Returns whether everything was written.
    @discardableResult
    public func flush(timeout seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while queue.count > head || writingSince != nil {
            if let since = writingSince, -since.timeIntervalSinceNow > Self.stallLimit { return false }
            let slice = min(deadline, Date(timeIntervalSinceNow: 0.02))
            if !condition.wait(until: slice), Date() >= deadline { return false }
        }
        return true
    }

    /// How long one line's `write(2)` may take before `flush` takes the output for stalled.
    static let stallLimit = 0.1

    private func drain() {
        while true {
            condition.lock()
            while queue.count == head { condition.wait() }
            let line = queue[head]
            head += 1
            if head > 256, head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            writingSince = Date()
            condition.unlock()
            let bytes = Array((line + "\n").utf8)
            _ = bytes.withUnsafeBytes { raw in FileDescriptor(rawValue: descriptor).writeAll(raw) }
            condition.lock()
            writingSince = nil
            condition.broadcast()
            condition.unlock()
        }
    }
}
