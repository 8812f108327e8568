import AuditModel
import Foundation
import Testing

@testable import ReportWriters

/// `--format github`: the workflow commands GitHub Actions turns into annotations.
@Suite struct GitHubReportTests {
    let report = SampleReports.mixed()

    private func lines(_ report: AuditReport, redact: Bool = false) -> [Substring] {
        ReportWriter.render(report, format: .github, options: .init(redact: redact)).split(separator: "\n")
    }

    @Test func oneCommandPerFindingAndPerUnreadableInput() {
        let lines = lines(report)
        let unreadable = report.inputs.count { $0.readError != nil }
        #expect(lines.count == report.findings.count + unreadable)
        #expect(lines.allSatisfy { $0.hasPrefix("::error ") || $0.hasPrefix("::warning ") || $0.hasPrefix("::notice ") })
        #expect(lines.count { $0.hasPrefix("::error ") } == report.count(.error) + unreadable)
        #expect(lines.count { $0.hasPrefix("::warning ") } == report.count(.warning))
        #expect(lines.count { $0.hasPrefix("::notice ") } == report.count(.note))
    }

    @Test func aLineIsALineAndAPacketGoesInTheTitle() {
        let lines = lines(report)
        #expect(
            lines.contains(
                "::error file=runinfo/000/parsl.log,line=42,title=privacy.forbidden-field::'uname' is a short hash of the user name, reversible by dictionary (at /uname)"
            ))
        #expect(lines.contains { $0.hasPrefix("::error file=captures/lo.pcap,title=privacy.personal-data (packet 5)::") })
        // A finding about a whole input names the file only.
        #expect(lines.contains { $0.hasPrefix("::error file=captures/lo.pcap,title=capture.fragment-missing::") })
        #expect(lines.contains { $0.hasPrefix("::error file=missing.ndjson,title=input.unreadable::could not read missing.ndjson: No such file or directory") })
    }

    @Test(arguments: [
        ("100% sure", "100%25 sure", "100%25 sure"),
        ("two\r\nlines\n", "two%0D%0Alines%0A", "two%0D%0Alines%0A"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
        ("::error::forged", "::error::forged", "%3A%3Aerror%3A%3Aforged"),
        ("bell\u{7} \u{202E}rtl", #"bell\u0007 \u202ertl"#, #"bell\u0007 \u202ertl"#),
    ])
    func escapesAsGitHubsToolkitDoes(_ raw: String, _ data: String, _ property: String) {
        #expect(GitHubReport.escapeData(raw) == data)
        #expect(GitHubReport.escapeProperty(raw) == property)
    }

    @Test func aMessageCannotStartAnotherCommand() {
        let finding = Finding(
            rule: "privacy.personal-data", severity: .error, source: "a,b:c.wire", locator: .line(3),
            message: "value 'x\n::warning::fake' is personal")
        let line = GitHubReport.annotation(finding)
        #expect(line.split(separator: "\n").count == 1)
        #expect(line == "::error file=a%2Cb%3Ac.wire,line=3,title=privacy.personal-data::value 'x%0A::warning::fake' is personal\n")
    }

    @Test func standardInputNamesNoFileAndARecordGoesInTheTitle() {
        let finding = Finding(
            rule: "journal.torn-record", severity: .error, source: "-", locator: .record(4), message: "torn")
        #expect(GitHubReport.annotation(finding) == "::error title=journal.torn-record (record 4)::torn\n")
    }

    @Test func aBaselinedFindingIsANotice() {
        var finding = Finding(
            rule: "privacy.user-code-identifier", severity: .error, source: "lo.pcap", locator: .packet(7),
            message: "user code")
        finding.baselined = true
        #expect(
            GitHubReport.annotation(finding)
                == "::notice file=lo.pcap,title=privacy.user-code-identifier (packet 7%2C baselined)::user code\n")
    }

    @Test func redactedAnnotationsHoldNoPersonalValue() {
        let text = lines(report, redact: true).joined(separator: "\n")
        for value in SampleReports.sensitive { #expect(!text.contains(value), "\(value)") }
    }

    @Test func snapshot() throws {
        try assertSnapshot(ReportWriter.render(report, format: .github), named: "mixed.github.txt")
        try assertSnapshot(
            ReportWriter.render(report, format: .github, options: .init(redact: true)), named: "mixed-redacted.github.txt")
    }
}
