import Dispatch
import Storage
import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
                if let readyFile = configuration.readyFile {
                    do {
                        try ReadyFile.write(Collector.describe(collector.localAddress), to: readyFile)
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

/// `--ready-file`: the bound address, written whole or not at all (a temporary file beside it, renamed), so a
/// job that waits for the file never reads half of it.
enum ReadyFile {
    static func write(_ address: String, to path: String) throws(CollectorError) {
        let temporary = path + ".\(getpid()).tmp"
        let bytes = Array((address + "\n").utf8)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw CollectorError(
                code: .readyFile, message: "cannot write the ready file '\(path)': \(String(cString: strerror(errno)))")
        }
        let (_, failure) = bytes.withUnsafeBytes { FileDescriptor(rawValue: descriptor).writeAll($0) }
        close(descriptor)
        if let failure {
            unlink(temporary)
            throw CollectorError(code: .readyFile, message: "cannot write the ready file '\(path)': \(failure)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CollectorError(code: .readyFile, message: "cannot write the ready file '\(path)': \(reason)")
        }
    }
}

/// Hands the run's result from its task to the blocked caller. `@unchecked Sendable`: written once before the
/// semaphore is signalled, read once after it is waited for; the semaphore orders the two.
private final class ResultBox: @unchecked Sendable {
    private var result: Result<CollectorOutcome, any Error>?
    func set(_ value: Result<CollectorOutcome, any Error>) { result = value }
    func get() throws -> CollectorOutcome { try result!.get() }
}
