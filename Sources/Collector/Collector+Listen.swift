import Dispatch
import Storage
import SystemPackage

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
                let ready = try configuration.readyFile.map { path throws(CollectorError) in try ReadyFile(path: path) }
                let collector: Collector
                do {
                    collector = try await start(configuration: configuration, checker: checker, output: output)
                } catch {
                    ready?.abandon()
                    throw error
                }
                if let ready {
                    do {
                        try ready.commit(Collector.describe(collector.localAddress))
                    } catch {
                        collector.stop(.requested)
                        _ = await collector.run()
                        throw error
                    }
                }
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

/// `--ready-file`: the bound address, written whole or not at all (into a temporary file beside it, then
/// renamed), so a job that waits for the file never reads half of it. The temporary file is created before
/// the collector starts, so a path that cannot be written stops `listen` before it binds or creates a journal.
final class ReadyFile {
    let path: String
    private let file: ReplacingFile

    init(path: String) throws(CollectorError) {
        self.path = path
        do {
            file = try ReplacingFile(path: path, label: "")
        } catch {
            throw CollectorError(code: .readyFile, message: "cannot write the ready file '\(path)': \(error.reason)")
        }
    }

    /// Writes `address` and puts the file in place.
    func commit(_ address: String) throws(CollectorError) {
        let bytes = Array((address + "\n").utf8)
        if let descriptor = file.descriptor, let failure = bytes.withUnsafeBytes({ descriptor.writeAll($0).failure }) {
            file.abandon()
            throw CollectorError(code: .readyFile, message: "cannot write the ready file '\(path)': \(failure)")
        }
        do {
            try file.commit()
        } catch {
            throw CollectorError(code: .readyFile, message: "cannot write the ready file '\(path)': \(error.reason)")
        }
    }

    /// Removes the temporary file when the collector did not start.
    func abandon() { file.abandon() }
}

/// Hands the run's result from its task to the blocked caller. `@unchecked Sendable`: written once before the
/// semaphore is signalled, read once after it is waited for; the semaphore orders the two.
private final class ResultBox: @unchecked Sendable {
    private var result: Result<CollectorOutcome, any Error>?
    func set(_ value: Result<CollectorOutcome, any Error>) { result = value }
    func get() throws -> CollectorOutcome { try result!.get() }
}
