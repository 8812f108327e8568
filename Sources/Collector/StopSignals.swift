import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns SIGINT and SIGTERM into a clean stop of the collector: the first one stops it (journal synced, report
/// written); a second one, for a stop that takes too long, ends the process at once: the journal is intact up to
/// its last whole record either way.
///
/// `@unchecked Sendable`: the dispatch sources are created in `init` and only cancelled afterwards, which
/// Dispatch allows from any thread.
public final class StopSignals: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    private let signals: [Int32] = [SIGINT, SIGTERM]

    /// Starts watching; `stop` is called (on a Dispatch queue) with the first signal's reason.
    public init(output: LiveOutput = .standardError, stop: @escaping @Sendable (StopReason) -> Void) {
        let queue = DispatchQueue(label: "usage-audit.signals")
        let seen = SignalCount()
        sources = signals.map { number in
            // The default action would end the process before the report is written: Dispatch delivers instead.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                let name = number == SIGINT ? "SIGINT" : "SIGTERM"
                if seen.increment() == 1 {
                    output.write("\(name): stopping (once more to quit at once, without a report)")
                    stop(number == SIGINT ? .interrupted : .terminated)
                } else {
                    output.write("\(name) again: quitting without a report; the journal is intact")
                    _exit(128 + number)
                }
            }
            source.resume()
            return source
        }
    }

    /// Stops watching and restores the default actions.
    public func cancel() {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }

    deinit { cancel() }
}

/// How many stop signals arrived; touched only on the signal queue.
private final class SignalCount: @unchecked Sendable {
    private var count = 0
    func increment() -> Int {
        count += 1
        return count
    }
}
