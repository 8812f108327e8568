import Foundation
import TestSupport

extension Repository {
    static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: url(relative), encoding: .utf8)
    }

    /// A program found on `PATH`, or nil.
    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// A program left running while the test does something else (`usage-audit listen`). Its output goes to
/// files, so it can never block on a full pipe, and the test can read its standard error as it grows.
final class BackgroundProgram {
    let process = Process()
    let stdoutFile: URL
    let stderrFile: URL

    init(_ executable: String, _ arguments: [String], outputIn folder: URL) throws {
        stdoutFile = folder.appendingPathComponent("background-stdout")
        stderrFile = folder.appendingPathComponent("background-stderr")
        // A file that could not be made fails `FileHandle(forWritingTo:)` below, which says so.
        _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
    }

    var stderrSoFar: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// Waits for the exit, up to `seconds`; past that the program is interrupted (SIGINT, which makes `listen`
    /// write its report) and the wait goes on.
    func finish(within seconds: Double) -> (status: Int32, stderr: String) {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning { process.interrupt() }
        process.waitUntilExit()
        return (process.terminationStatus, stderrSoFar)
    }
}
