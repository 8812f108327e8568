import AuditModel
import AuditRules
import JSONCore
import Testing
import Foundation
import TestSupport

@testable import ReportWriters

/// A capture of three hosts (IPv4 and IPv6) on two interfaces, checked by the real checker: every format
/// names the sender and the capture time of a finding, and the inventory of senders.
@Suite struct SenderEvidenceTests {
    static func fleetReport() throws -> AuditReport {
        let path = Repository.path("Fixtures/handmade/fleet-two-interfaces.pcapng")
        var run = AuditRun(threads: 1)
        run.keepPayloads = true
        return run.run([path], checker: try Checker(configuration: CheckConfiguration()))
    }

    @Test(arguments: ReportFormat.allCases)
    func everyFormatNamesTheSendersAndTheTime(_ format: ReportFormat) throws {
        let text = ReportWriter.render(try Self.fleetReport(), format: format)
        // The G0 host's findings, with their sender and capture time.
        #expect(text.contains("10.20.0.11:41001"))
        #expect(text.contains("2026-11-24T21:19:45.000000Z"))
        // The user-code leak's host.
        #expect(text.contains("10.20.0.12"))
    }

    /// Every sender with a finding, each with the time of its datagram: which node to fix, in every format.
    @Test(arguments: ReportFormat.allCases)
    func everyFormatNamesTheSenderAndTimeOfEveryFinding(_ format: ReportFormat) throws {
        let report = try Self.fleetReport()
        let text = ReportWriter.render(report, format: format)
        let evidence = Set(report.findings.compactMap(\.network))
        #expect(Set(evidence.map(\.senderAddress)) == ["10.20.0.11", "10.20.0.12"], "the two hosts that leak")
        #expect(report.findings.allSatisfy { $0.network != nil })
        for network in evidence {
            #expect(text.contains(network.from), "\(format) names \(network.from)")
            #expect(text.contains(network.time), "\(format) names \(network.time)")
        }
    }

    @Test(arguments: [ReportFormat.text, .markdown, .html, .json])
    func theHostInventoryListsEverySender(_ format: ReportFormat) throws {
        let text = ReportWriter.render(try Self.fleetReport(), format: format)
        #expect(text.contains("2001:db8::13"))
        #expect(text.contains("2023.04.24"))
    }

    @Test func theJSONReportShowsNetworkEvidenceAsTheContractDoes() throws {
        let report = try Self.fleetReport()
        let document = try JSONValue.parse(ReportWriter.render(report, format: .json))
        #expect(document["summary"]?["messages"] == 4)
        #expect(document["summary"]?["observations"] == 8)
        let first = document["messages"]?[0]
        #expect(first?["observations"] == 2)
        #expect(
            first?["network"] == [
                "from": "10.20.0.11:41001", "to": "192.0.2.77:50077", "time": "2026-11-24T21:19:45.000000Z",
                "interface": "eth0",
            ])
        #expect(first?["observed"]?.arrayValue?.map { $0["network"]?["interface"] } == ["eth0", "any"])
        let ipv6 = document["messages"]?.arrayValue?.first { $0["network"]?["from"] == "[2001:db8::13]:41003" }
        #expect(ipv6?["network"]?["to"] == "[2001:db8::77]:50077")
        let hosts = document["hosts"]?.arrayValue ?? []
        #expect(hosts.map { $0["address"] } == ["10.20.0.11", "10.20.0.12", "2001:db8::13"])  // by errors
        #expect(hosts.first?["findings"] == ["error": 3, "warning": 1, "note": 1])
        #expect(hosts.first?["generations"] == ["G0"])
        #expect(hosts.first?["parsl_versions"] == ["2023.04.24"])
        #expect(document["findings"]?[0]?["network"]?["from"] == "10.20.0.11:41001")
    }

    @Test(arguments: ReportFormat.allCases)
    func redactionMasksSenderAddresses(_ format: ReportFormat) throws {
        let report = try Self.fleetReport()
        let text = ReportWriter.render(Redactor(report: report).redacted(report), format: format)
        #expect(!text.contains("10.20.0.11"))
        #expect(!text.contains("2001:db8::13"))
    }

    @Test func aCleanReportStillShowsWhatWasSent() throws {
        var report = try Self.fleetReport()
        report.findings = []
        let page = ReportWriter.render(report, format: .html)
        #expect(page.contains("<section id=\"sent\">"))
        #expect(page.contains("G0 start, level 3"))
        // The findings come before the (folded) disclosure matrix.
        let findings = page.range(of: "id=\"findings\"")!.lowerBound
        let matrix = page.range(of: "id=\"disclosure\"")!.lowerBound
        #expect(findings < matrix)
    }
}
