import Dispatch

extension Collector {
    /// A whole `usage-audit listen` run on the calling thread: start, announce, stop at SIGINT, SIGTERM or a limit,
    /// and return the outcome. Throws a `CollectorError` when the collector cannot start.
    ///
    /// Blocking keeps the command-line layer a plain synchronous command; the collector itself runs on its own
    /// event loop and live-check thread, so nothing waits on the blocked thread.
    public static func listen(
        configuration: CollectorConfiguration, checker: @escaping LiveCheckerFactory,
        output: LiveOutput = .standardError
    ) throws -> CollectorOutcome {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox()
        Task {
            do {
                let collector = try await start(configuration: configuration, checker: checker, output: output)
                output.write(collector.listeningLine)
                let signals = StopSignals(output: output) { reason in collector.stop(reason) }
                let outcome = await collector.run()
                signals.cancel()
                result.set(.success(outcome))
            } catch {
                result.set(.failure(error))
            }
            done.signal()
        }
        done.wait()
        return try result.get()
    }
}

/// Hands the run's result from its task to the blocked caller. `@unchecked Sendable`: written once before the
/// semaphore is signalled, read once after it is waited for; the semaphore orders the two.
private final class ResultBox: @unchecked Sendable {
    private var result: Result<CollectorOutcome, any Error>?
    func set(_ value: Result<CollectorOutcome, any Error>) { result = value }
    func get() throws -> CollectorOutcome { try result!.get() }
}
