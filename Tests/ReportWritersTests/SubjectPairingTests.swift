import AuditRules
import Foundation
import Storage
import TestSupport
import Testing

@testable import AuditModel
@testable import ReportWriters

/// The checker says which message each finding is about (`Finding.subject`), so report preparation skips
/// pairing findings with messages by place. What it says must be what the pairing finds: every fixture, and
/// runs over several inputs, prepare to the same findings (fingerprints, regions) either way.
@Suite struct SubjectPairingTests {
    /// The report with every finding's subject forgotten: preparation must pair them by place.
    static func withoutSubjects(_ report: AuditReport) -> AuditReport {
        let findings = report.findings.map { finding -> Finding in
            var finding = finding
            finding.subject = nil
            return finding
        }
        var copy = report
        copy.findings = AuditList(findings)
        return copy
    }

    static func check(_ paths: [String], reconcile: Bool = false, spool: SpoolConfiguration = .init()) throws
        -> AuditReport
    {
        var configuration = CheckConfiguration()
        configuration.reconcile = reconcile
        var run = AuditRun(inputKind: nil, threads: 2)
        run.spool = spool
        return run.run(paths, checker: try Checker(configuration: configuration))
    }

    static func expectSamePreparation(_ report: AuditReport, _ label: String, spool: SpoolConfiguration = .init()) {
        let paired = withoutSubjects(report)
        #expect(paired.findings.tally.unpaired == paired.findings.count { $0.locator != nil }, "\(label)")
        let fast = ReportPreparation.prepare(report, spool: spool)
        let sorted = ReportPreparation.prepare(paired, spool: spool)
        #expect(Array(fast.findings) == Array(sorted.findings), "\(label)")
        #expect(fast.findings.allSatisfy { $0.fingerprint != nil }, "\(label)")
        #expect(
            ReportWriter.render(fast, format: .sarif) == ReportWriter.render(sorted, format: .sarif), "\(label)")
        // A JSON report of an unprepared report is written while its findings are prepared on another
        // thread: the same bytes as from the prepared report.
        let prepared = ReportWriter.render(fast, format: .json, options: ReportOptions(spool: spool))
        #expect(ReportWriter.render(report, format: .json, options: ReportOptions(spool: spool)) == prepared, "\(label)")
        #expect(ReportWriter.render(paired, format: .json, options: ReportOptions(spool: spool)) == prepared, "\(label)")
    }

    @Test(arguments: SARIFFixtureTests.fixtures)
    func everyFixturePreparesAsPairingByPlaceDoes(_ path: String) throws {
        let report = try Self.check([path])
        // Findings beside no message of their own (an input problem at a place) still go through pairing.
        #expect(report.findings.tally.unpaired == report.findings.count(where: \.needsPairing))
        Self.expectSamePreparation(report, path)
    }

    @Test func aCaptureWithTheLogsOfItsRunsPreparesAsPairingByPlaceDoes() throws {
        let folder = Repository.path("Fixtures/real/2026.10.26")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasSuffix(".json") }
            .sorted().map { folder + "/" + $0 }
        for reconcile in [false, true] {
            let report = try Self.check(files, reconcile: reconcile)
            #expect(report.findings.count > 0)
            #expect(report.findings.tally.unpaired == 0, "every finding of real runs names its message")
            Self.expectSamePreparation(report, "reconcile: \(reconcile)")
        }
    }

    @Test func sessionsReportedLateAndOnDiskPrepareAsPairingByPlaceDoes() throws {
        let directory = try SpoolTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("mixed.ndjson").path
        try SpoolTests.writeCorpus(lines: 600, to: path)
        let report = try Self.check([path], spool: SpoolTests.onDisk)
        #expect(report.findings.contains { $0.rule == "session.start-without-end" })
        #expect(report.findings.tally.unpaired == 0)
        Self.expectSamePreparation(report, "mixed", spool: SpoolTests.onDisk)
    }

    @Test func aSubjectSurvivesTheSpoolButIsNoPartOfAFindingsIdentity() {
        var finding = Finding(rule: "r", severity: .error, source: "in", locator: .packet(2), message: "m")
        #expect(finding.needsPairing)
        let bare = finding
        finding.subject = Finding.Subject(kind: .end, region: ByteRegion(offset: 40, length: 90))
        #expect(!finding.needsPairing && finding == bare)
        var builder = AuditListBuilder<Finding>(configuration: SpoolConfiguration(memoryLimit: 0))
        builder.append(finding)
        builder.append(bare)
        let spooled = builder.finish()
        #expect(spooled.map(\.subject) == [finding.subject, nil])
        #expect(spooled.tally.unpaired == 1)
        #expect(spooled.parts(Finding.Place.self, from: Finding.Place.init).map(\.subject) == [finding.subject, nil])
        // About a whole input: nothing to pair.
        #expect(!Finding(rule: "r", severity: .note, source: "in", locator: nil, message: "m").needsPairing)
    }
}
