import Foundation
import Testing

@testable import ReportWriters

@Suite struct ReportWriterTests {
    @Test func writesEachTargetToItsFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "usage-audit-reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = SampleReports.mixed()
        for format in ReportFormat.allCases {
            let target = try ReportTarget.parse("\(format)=\(directory.path)/report.\(format.fileExtension)")
            try ReportWriter.write(report, to: target)
            let written = try String(contentsOfFile: target.path, encoding: .utf8)
            #expect(written == ReportWriter.render(report, format: format))
        }
    }

    @Test func aFileThatCannotBeWrittenNamesTheTargetAndTheReason() {
        let target = ReportTarget(format: .sarif, path: "/nonexistent-directory-for-usage-audit/out.sarif")
        #expect {
            try ReportWriter.write(SampleReports.clean(), to: target)
        } throws: { error in
            let error = error as! ReportWriteError
            return error.target == target
                && error.description.hasPrefix(
                    "sarif report: cannot write /nonexistent-directory-for-usage-audit/out.sarif: ")
        }
    }

    /// `--output /dev/null` or a named pipe: the report goes into it, and the device or pipe stays what it was
    /// (renaming a finished file over it, as for a regular file, would replace `/dev/null` itself).
    @Test func aPipeOrDeviceIsWrittenInPlace() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "usage-audit-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.pipe").path
        #expect(mkfifo(path, 0o600) == 0)
        let received = LockedData()
        let reader = Thread {
            guard let handle = FileHandle(forReadingAtPath: path) else { return }
            received.set(handle.readDataToEndOfFile())
        }
        reader.start()
        let report = SampleReports.mixed()
        try ReportWriter.write(report, to: ReportTarget(format: .json, path: path))
        var info = stat()
        #expect(stat(path, &info) == 0)
        // Had the pipe been replaced, its reader would wait for ever: stop here.
        try #require(info.st_mode & S_IFMT == S_IFIFO, "the pipe was replaced")
        let deadline = Date().addingTimeInterval(30)
        while !received.isSet && Date() < deadline { usleep(1_000) }
        #expect(String(decoding: received.data, as: UTF8.self) == ReportWriter.render(report, format: .json))
    }

    @Test(arguments: ReportFormat.allCases)
    func outputIsDeterministic(_ format: ReportFormat) {
        let first = ReportWriter.render(SampleReports.mixed(), format: format, options: .init(redact: true))
        let second = ReportWriter.render(SampleReports.mixed(), format: format, options: .init(redact: true))
        #expect(first == second)
    }
}

/// Bytes handed from a reader thread to the test.
private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Data?

    func set(_ data: Data) { lock.withLock { value = data } }
    var isSet: Bool { lock.withLock { value != nil } }
    var data: Data { lock.withLock { value ?? Data() } }
}
