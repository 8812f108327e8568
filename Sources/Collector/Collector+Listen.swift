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
    private let temporary: String
    private var descriptor: Int32

    init(path: String) throws(CollectorError) {
        self.path = path
        temporary = path + ".\(getpid()).tmp"
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw CollectorError(
                code: .readyFile, message: "cannot write the ready file '\(path)': \(String(cString: strerror(errno)))")
        }
    }

    deinit { abandon() }

    /// Writes `address` and puts the file in place.
    func commit(_ address: String) throws(CollectorError) {
        let bytes = Array((address + "\n").utf8)
        let (_, failure) = bytes.withUnsafeBytes { FileDescriptor(rawValue: descriptor).writeAll($0) }
        close(descriptor)
        descriptor = -1
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

    /// Removes the temporary file when the collector did not start.
    func abandon() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(temporary)
    }
}

/// Hands the run's result from its task to the blocked caller. `@unchecked Sendable`: written once before the
/// semaphore is signalled, read once after it is waited for; the semaphore orders the two.
private final class ResultBox: @unchecked Sendable {
    private var result: Result<CollectorOutcome, any Error>?
    func set(_ value: Result<CollectorOutcome, any Error>) { result = value }
    func get() throws -> CollectorOutcome { try result!.get() }
}
