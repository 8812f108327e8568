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

    @Test(arguments: ReportFormat.allCases)
    func outputIsDeterministic(_ format: ReportFormat) {
        let first = ReportWriter.render(SampleReports.mixed(), format: format, options: .init(redact: true))
        let second = ReportWriter.render(SampleReports.mixed(), format: format, options: .init(redact: true))
        #expect(first == second)
    }
}
