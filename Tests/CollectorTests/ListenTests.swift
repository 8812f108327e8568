import AuditInputs
import AuditModel
import AuditRules
import Foundation
import TestSupport
import Testing

@testable import Collector

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `listen` with the real checker, in process and as the built executable: the live report, signals, a kill in
/// the middle of a burst, exit statuses.
@Suite struct ListenTests {
    static let correlator2 = "90d887e5-0e1b-4f0c-9a3c-3b8f1a2c4d5e"
    /// A run of real-shaped datagrams: a clean level-1 start; a level-3 session that names the lab's own provider
    /// class, with its end; a G0 legacy start with hashed user and host names; bytes that are not a message.
    static let run: [[UInt8]] = [
        ParslDatagrams.startLevel1,
        ParslDatagrams.startLevel3,
        ParslDatagrams.endLevel3,
        Array(
            #"{"uuid": "\#(correlator2)", "test": false, "parsl_v": "0.9.0", "python_v": "3.6.8", "os": "Linux", "os_v": "3.10.0-957.el7.x86_64", "uname": "1a79a4d60d", "hname": "66b3ec2c14", "start": 1559332045.123}"#
                .utf8),
        Array("1{\"correlator\": ".utf8),
    ]

    @Test func liveReportIsTheReportCheckGivesForTheJournal() async throws {
        let directory = try ScratchFolder("usage-audit-collector")
        let configuration = CollectorConfiguration(
            host: "127.0.0.1", port: 0, journalPath: directory.path("live.journal"))
        let lines = LineCollector()
        let collector = try await Collector.start(
            configuration: configuration,
            checker: {
                let checker = try Checker(configuration: CheckConfiguration())
                checker.keepsEveryPayload = true  // as `listen` does when it writes an HTML report
                return checker
            },
            output: lines.output)
        let client = try UDPClient()
        for payload in Self.run { try client.send(payload, to: collector.localAddress.port!) }
        #expect(await eventually { (try? readJournal(configuration.journalPath).records.count) == Self.run.count })
        collector.stop(.requested)
        let outcome = await collector.run()
        let live = outcome.report

        // What the rules say about this run, record by record.
        let rulesAt = { (record: Int) in Set(live.findings.filter { $0.locator == .record(record) }.map(\.rule)) }
        #expect(rulesAt(1).isEmpty, "a clean level-1 start: \(rulesAt(1))")
        #expect(rulesAt(2).contains("privacy.user-code-identifier"))
        #expect(rulesAt(3).contains("privacy.user-code-identifier"))
        #expect(rulesAt(4).contains("privacy.forbidden-field"))
        #expect(rulesAt(4).contains("protocol.legacy"))
        #expect(rulesAt(5).contains("protocol.invalid-json"))
        #expect(live.messages.count == Self.run.count)
        #expect(live.unparsedCount == 1)
        #expect(live.failingCount(.error) > 0)
        #expect(live.rules.contains { $0.id == "journal.torn-record" })
        #expect(live.rules.contains { $0.id == "collector.dropped" })
        #expect(live.disclosure != nil)
        for finding in live.findings {
            #expect(
                lines.lines.contains {
                    $0.contains(finding.rule) && $0.hasPrefix(finding.locator.map { "\($0)" } ?? "journal")
                })
        }

        // `check` on the journal finds exactly the same, in the same order.
        var run = AuditRun(threads: 1)
        run.keepPayloads = true  // as the live checker above
        let checked = run.run([configuration.journalPath], checker: try Checker(configuration: CheckConfiguration()))
        #expect(checked.inputs.map(\.kind) == ["journal"])
        #expect(checked.findings == live.findings)
        #expect(checked.messages == live.messages)
    }

    @Test func sigtermStopsTheExecutableCleanlyWithTheReport() async throws {
        let directory = try ScratchFolder("usage-audit-collector")
        let journal = directory.path("run.journal")
        let report = directory.path("report.json")
        let process = try ListenProcess(arguments: [
            "--journal", journal, "--format", "json", "--output", report, "--report",
            "sarif=\(directory.path("r.sarif"))",
        ])
        let client = try UDPClient()
        try client.send(ParslDatagrams.startLevel3, to: process.port)
        #expect(await eventually { (try? readJournal(journal).records.count) == 1 })
        let status = process.stop(SIGTERM)
        #expect(status == 1, "a level-3 start naming user code fails the run")
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        let summary = json?["summary"] as? [String: Any]
        #expect(summary?["messages"] as? Int == 1)
        let findings = json?["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { $0["rule"] as? String == "privacy.user-code-identifier" })
        #expect(FileManager.default.fileExists(atPath: directory.path("r.sarif")))
        #expect(process.standardError.contains("SIGTERM: stopping"))
        #expect(process.standardError.contains("stopped by SIGTERM: 1 datagrams journaled"))
    }

    @Test func sigintWithFailOnNeverExitsZero() async throws {
        let directory = try ScratchFolder("usage-audit-collector")
        let process = try ListenProcess(arguments: [
            "--journal", directory.path("run.journal"), "--fail-on", "never", "--output", directory.path("report.txt"),
        ])
        try UDPClient().send(ParslDatagrams.startLevel3, to: process.port)
        #expect(await eventually { (try? readJournal(directory.path("run.journal")).records.count) == 1 })
        #expect(process.stop(SIGINT) == 0)
        let text = try String(contentsOfFile: directory.path("report.txt"), encoding: .utf8)
        #expect(text.contains("privacy.user-code-identifier"))
    }

    @Test func anExistingJournalIsBadUsage() throws {
        let directory = try ScratchFolder("usage-audit-collector")
        let journal = directory.path("old.journal")
        try Data("evidence".utf8).write(to: URL(fileURLWithPath: journal))
        let (status, standardError) = try ListenProcess.runToEnd(arguments: ["--port", "0", "--journal", journal])
        #expect(status == 2)
        #expect(standardError.contains("already holds 8 bytes"))
    }

    /// SIGKILL in the middle of a burst: no report, but the journal keeps every datagram it took, byte for byte and
    /// in order; at most the one being written is torn.
    @Test func killedMidBurstKeepsEveryWholeRecord() async throws {
        let directory = try ScratchFolder("usage-audit-collector")
        let journal = directory.path("killed.journal")
        let process = try ListenProcess(arguments: ["--journal", journal])
        let client = try UDPClient()
        var sent: [[UInt8]] = []
        for index in 0..<20_000 {
            let payload = Array(
                #"1{"correlator": "\#(UUID().uuidString.lowercased())", "parsl_v": "2026.10.26", "n": \#(index)}"#.utf8)
            try client.send(payload, to: process.port)
            sent.append(payload)
            if index == 5_000 { _ = process.stop(SIGKILL) }
        }
        let (records, readError) = try readJournal(journal)
        #expect(readError == nil)
        #expect(records.count > 0 && records.count <= sent.count)
        for (index, record) in records.enumerated() {
            #expect(record.locator == .record(index + 1))
            switch record.payload {
            case .datagram(let bytes):
                #expect(bytes == sent[index], "record \(index + 1) must hold datagram \(index + 1) byte for byte")
            case .problem(let problem):
                if case .journalDamaged = problem {} else { Issue.record("record \(index + 1): \(problem)") }
                #expect(index == records.count - 1, "only the last record can be torn")
            default:
                Issue.record("unexpected payload at record \(index + 1)")
            }
            if index > 0 && !(record.payload.isDatagram) { break }
        }
    }
}

extension InputRecord.Payload {
    fileprivate var isDatagram: Bool {
        if case .datagram = self { return true }
        return false
    }
}

/// The built `usage-audit listen`, on an ephemeral loopback port, with its standard error collected.
final class ListenProcess {
    let process = Process()
    let port: Int
    private let errors = Pipe()
    private let collected = LockedText()

    init(arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: ProcessRunner.usageAudit)
        process.arguments = ["listen", "--port", "0"] + arguments
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let collected = self.collected
        errors.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData) }
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        var found: Int?
        while found == nil, Date() < deadline, process.isRunning {
            if let range = collected.text.range(of: #"listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                found = Int(collected.text[range].split(separator: ":").last!)
            } else {
                usleep(10_000)
            }
        }
        guard let found else {
            process.terminate()
            throw UDPClient.ClientError(message: "listen did not start: \(collected.text)")
        }
        port = found
    }

    /// Sends `signal` and waits for the exit status.
    func stop(_ signal: Int32) -> Int32 {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        usleep(50_000)
        errors.fileHandleForReading.readabilityHandler = nil
        collected.append(errors.fileHandleForReading.readDataToEndOfFile())
        return process.terminationStatus
    }

    var standardError: String { collected.text }

    /// Runs `listen` with `arguments` until it exits by itself.
    static func runToEnd(arguments: [String]) throws -> (status: Int32, standardError: String) {
        let result = try ProcessRunner.run(ProcessRunner.usageAudit, ["listen"] + arguments)
        return (result.status, result.stderr)
    }
}

private final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ more: Data) { lock.withLock { data.append(more) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
