import Foundation
import Testing

/// The repository a test runs in, and the programs it runs, as a user of a fresh clone would.
enum Repository {
    /// The package root, from this file's place in `Tests/RepositoryTests/`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    static func text(_ path: String) throws -> String {
        try String(contentsOf: url(path), encoding: .utf8)
    }

    /// `usage-audit` from the build folder the test runner is in.
    static let binary: String = {
        var folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("usage-audit").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return url(".build/debug/usage-audit").path
    }()

    /// A program found on `PATH`, or nil.
    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A new empty folder under the temporary directory.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("usage-audit-repository-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// What a finished program printed and returned.
struct ProgramResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// A program started in the background. Its output goes to files, so it can never block on a full pipe.
final class RunningProgram {
    let process = Process()
    let stdoutFile: URL
    let stderrFile: URL

    init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, in folder: URL,
        currentDirectory: URL? = nil
    ) throws {
        stdoutFile = folder.appendingPathComponent("stdout-\(UUID().uuidString)")
        stderrFile = folder.appendingPathComponent("stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.currentDirectoryURL = currentDirectory ?? Repository.root
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
    }

    var stderrSoFar: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// Waits for the exit, up to `seconds`; past that the program is interrupted and the wait goes on.
    func finish(within seconds: Double = 60) async -> ProgramResult {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(nanoseconds: 10_000_000) }
        if process.isRunning { process.interrupt() }
        process.waitUntilExit()
        return ProgramResult(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "",
            stderr: stderrSoFar)
    }
}

/// Runs a program to its end.
func run(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
    currentDirectory: URL? = nil, within seconds: Double = 120
) async throws -> ProgramResult {
    let folder = try Repository.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let program = try RunningProgram(
        executable, arguments, environment: environment, in: folder, currentDirectory: currentDirectory)
    return await program.finish(within: seconds)
}
