import Dispatch
import Foundation

/// What a finished process left: its exit status (or the signal that ended it) and everything it wrote.
public struct ProcessResult: Sendable {
    public var status: Int32
    /// Set when the process ended by a signal (`status` is then the signal number).
    public var signalled: Bool
    public var stdoutData: Data
    public var stderrData: Data

    public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    public var stderr: String { String(decoding: stderrData, as: UTF8.self) }
}

/// Runs programs for tests: the built `usage-audit`, Python, tshark. Both output pipes are drained at the same
/// time, and standard input is written from its own thread, so a child that fills one pipe while the test
/// waits on the other cannot deadlock the test. Synchronous on purpose: Swift Testing runs tests on a
/// cooperative pool as wide as the machine (two threads on CI), which a blocked bridge to an async API
/// would starve.
public enum ProcessRunner {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `executable` (a path, or a name looked up on `PATH`) to its end, or kills it after `timeout`
    /// seconds (a `Failure` then, with what it printed).
    public static func run(
        _ executable: String, _ arguments: [String], stdin: Data? = nil, currentDirectory: URL? = nil,
        environment: [String: String]? = nil, timeout: TimeInterval = 300
    ) throws -> ProcessResult {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()

        let group = DispatchGroup()
        let collected = Collected()
        DispatchQueue.global().async(group: group) {
            collected.set(stdout: out.fileHandleForReading.readDataToEndOfFile())
        }
        DispatchQueue.global().async(group: group) {
            collected.set(stderr: err.fileHandleForReading.readDataToEndOfFile())
        }
        DispatchQueue.global().async(group: group) {
            // A child that exits without reading makes this write fail (EPIPE): ignored, the status tells.
            if let stdin { try? input.fileHandleForWriting.write(contentsOf: stdin) }
            try? input.fileHandleForWriting.close()
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
            _ = group.wait(timeout: .now() + 5)
            throw Failure(
                description: "\(executable) \(arguments.joined(separator: " ")) still ran after \(Int(timeout)) s; "
                    + "stderr: \(String(decoding: collected.stderr, as: UTF8.self))")
        }
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            stdoutData: collected.stdout, stderrData: collected.stderr)
    }

    /// The built `usage-audit` beside the running test bundle (`swift build --build-tests` puts it there).
    public static let usageAudit: String = {
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("usage-audit").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return Repository.path(".build/debug/usage-audit")
    }()

    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var out = Data(), err = Data()
        func set(stdout: Data) { lock.withLock { out = stdout } }
        func set(stderr: Data) { lock.withLock { err = stderr } }
        var stdout: Data { lock.withLock { out } }
        var stderr: Data { lock.withLock { err } }
    }
}
