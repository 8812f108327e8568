import AuditInputs
import AuditModel
import Foundation
import NIOCore
import TestSupport
import Testing

@testable import Collector

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The collector with a checker double: receiving, journaling, live lines, limits, drops and start-up failures.
@Suite struct CollectorTests {
    func configuration(_ directory: ScratchFolder, host: String = "127.0.0.1") -> CollectorConfiguration {
        CollectorConfiguration(host: host, port: 0, journalPath: directory.path("run.journal"))
    }

    func start(_ configuration: CollectorConfiguration, lines: LineCollector) async throws -> Collector {
        try await Collector.start(configuration: configuration, checker: { MarkerChecker() }, output: lines.output)
    }

    @Test func journalsEveryDatagramBeforeCheckingItAndNeverAnswers() async throws {
        let directory = try ScratchFolder("usage-audit-collector")
        let lines = LineCollector()
        let collector = try await start(configuration(directory), lines: lines)
        let port = try #require(collector.localAddress.port)
        #expect(collector.listeningLine.contains("127.0.0.1:\(port)"))

        let largest = Array(repeating: UInt8(ascii: "x"), count: 65_507)  // the largest IPv4 UDP payload
        let sent = [ParslDatagrams.startLevel1, ParslDatagrams.startLevel3, ParslDatagrams.endLevel3, [], largest]
        let client = try UDPClient()
        let beforeSending = JournalFormat.now()
        for payload in sent { try client.send(payload, to: port) }
        let journal = configuration(directory).journalPath
        #expect(await eventually { (try? readJournal(journal).records.count) == sent.count })
        let afterJournaling = JournalFormat.now()
        collector.stop(.requested)
        let outcome = await collector.run()

        #expect(outcome.stopReason == .requested)
        #expect(outcome.datagrams == sent.count)
        #expect(outcome.kernelDrops == 0)
        let (records, readError) = try readJournal(journal)
        #expect(readError == nil)
        #expect(records.map(\.locator) == (1...sent.count).map { .record($0) })
        for (record, payload) in zip(records, sent) {
            guard case .datagram(let bytes) = record.payload else {
                Issue.record("\(record.locator) is not a datagram")
                continue
            }
            #expect(bytes == payload, "\(record.locator): the journal must hold the datagram byte for byte")
        }
        // The sender and receive time are kept.
        let reader = JournalReader(try ByteSource(path: journal))
        guard case .entry(let first)? = reader.nextItem() else {
            Issue.record("no first entry")
            return
        }
        #expect(first.sender?.description == "127.0.0.1:\(client.localPort)")
        // Between the send and the journal holding it (a bound, not a tolerance: a loaded machine can take long).
        #expect((beforeSending...afterJournaling).contains(first.receivedAt))

        // The report: one input (the journal), every message, the checker's findings with their records.
        let report = outcome.report
        #expect(report.inputs.map(\.source) == [journal])
        #expect(report.inputs.first?.kind == "journal")
        #expect(report.inputs.first?.readError == nil)
        #expect(report.messages.map(\.locator) == (1...sent.count).map { .record($0) })
        #expect(report.findings.filter { $0.rule == "test.marker" }.map(\.locator) == [.record(2), .record(3)])
        #expect(report.findings.contains { $0.rule == "test.finished" && $0.message == "\(sent.count) records" })
        #expect(report.rules.contains { $0.id == "collector.dropped" })
        #expect(!report.findings.contains { $0.rule == "collector.dropped" })
        #expect(report.failingCount(.error) > 0)
        #expect(report.failingCount(.never) == 0)

        // One live line per finding, redacted as the output asks, plus the summary.
        let shown = lines.lines
        // The sender and the receive time (RFC 3339, UTC, microseconds) lead each line.
        let line = shown.first { $0.hasPrefix("record 2 from 127.0.0.1:\(client.localPort) at ") }
        #expect(line?.hasSuffix("Z: error test.marker: names ***") == true)
        #expect(line?.count == "record 2 from 127.0.0.1:\(client.localPort) at 2026-01-01T00:00:00.000000Z: error test.marker: names ***".count)
        #expect(!shown.contains { $0.contains("acme_genomics") })
        #expect(shown.last?.hasPrefix("stopped by a stop request: 5 datagrams journaled") == true)
        #expect(!client.receivedAnything(), "the collector must never send a byte back")
    }

    @Test func maxMessagesKeepsExactlyThatMany() async throws {
        let directory = try ScratchFolder("usage-audit-collector")
        var configuration = configuration(directory)
        configuration.maxMessages = 3
        let lines = LineCollector()
        let collector = try await start(configuration, lines: lines)
        let client = try UDPClient()
        for index in 0..<6 { try client.send(Array("1{\"n\": \(index)}".utf8), to: collector.localAddress.port!) }
        let outcome = await collector.run()
        #expect(outcome.stopReason == .maxMessages)
        #expect(outcome.datagrams == 3)
        #expect(outcome.report.messages.count == 3)
        // The live report is spooled as it is found, like check's, not held in arrays: a collector that
        // runs for days keeps flat memory.
        #expect(outcome.report.messages.spooledBytesInMemory > 0)
        #expect(outcome.report.findings.spooledBytesInMemory > 0)
        let (records, _) = try readJournal(configuration.journalPath)
        #expect(records.count == 3)
        guard case .datagram(let last)? = records.last?.payload else {
            Issue.record("no datagram")
            return
        }
        #expect(last == Array("1{\"n\": 2}".utf8))
    }

    @Test func durationStopsTheRun() async throws {
        let directory = try ScratchFolder("usage-audit-collector")
        var configuration = configuration(directory)
        configuration.duration = 0.3
        let started = Date()
        let collector = try await start(configuration, lines: LineCollector())
        let outcome = await collector.run()
        #expect(outcome.stopReason == .duration)
        #expect(Date().timeIntervalSince(started) >= 0.3)
        #expect(outcome.datagrams == 0)
        #expect(outcome.report.inputs.first?.messages == 0)
        // An empty run still leaves a valid journal: the header alone.
        let (records, readError) = try readJournal(configuration.journalPath)
        #expect(records.isEmpty)
        #expect(readError == nil)
    }

    @Test func listensOnIPv6Loopback() async throws {
        let directory = try ScratchFolder("usage-audit-collector")
        let lines = LineCollector()
        let collector: Collector
        do {
            collector = try await start(configuration(directory, host: "::1"), lines: lines)
        } catch let error as CollectorError where error.code == .cannotBind {
            // Some containers have no IPv6 loopback at all; then there is nothing to test here.
            withKnownIssue("no IPv6 loopback on this machine: \(error)") { throw error }
            return
        }
        #expect(collector.listeningLine.contains("[::1]:"))
        let client = try UDPClient(ipv6: true)
        try client.send(ParslDatagrams.startLevel1, to: collector.localAddress.port!)
        let journal = configuration(directory).journalPath
        #expect(await eventually { (try? readJournal(journal).records.count) == 1 })
        collector.stop(.requested)
        let outcome = await collector.run()
        #expect(outcome.datagrams == 1)
        let reader = JournalReader(try ByteSource(path: journal))
        guard case .entry(let entry)? = reader.nextItem() else {
            Issue.record("no entry")
            return
        }
        #expect(entry.sender?.description == "[::1]:\(client.localPort)")
    }

    /// With reading paused, a burst overflows the small receive queue: every datagram is either journaled or
    /// counted as dropped by the kernel, and the drops become a finding that fails the run.
    @Test func kernelDropsAreCountedAndReported() async throws {
        let directory = try ScratchFolder("usage-audit-collector")
        var configuration = configuration(directory)
        configuration.receiveBufferBytes = 4096
        let lines = LineCollector()
        let collector = try await start(configuration, lines: lines)
        try await collector.setReading(false)
        let client = try UDPClient()
        let burst = 500
        for index in 0..<burst { try client.send(Array("1{\"n\": \(index)}".utf8), to: collector.localAddress.port!) }
        try await collector.setReading(true)
        try await Task.sleep(nanoseconds: 200_000_000)
        collector.stop(.requested)
        let outcome = await collector.run()

        let drops = try #require(outcome.kernelDrops, "Linux reports drops")
        #expect(drops > 0)
        #expect(outcome.datagrams + drops == burst, "every datagram is journaled or counted as dropped")
        let finding = try #require(outcome.report.findings.first { $0.rule == "collector.dropped" })
        #expect(finding.severity == .error)
        #expect(finding.locator == nil)
        #expect(finding.message.contains("dropped \(drops) datagrams"))
        #expect(outcome.report.failingCount(.error) > 0)
        #expect(lines.lines.contains { $0.contains("\(drops) dropped by the kernel") })
        let (records, _) = try readJournal(configuration.journalPath)
        #expect(records.count == outcome.datagrams)
    }

    /// Something else truncates the journal while the collector runs: the live check stops trusting it, and the
    /// report says the journal could not be read back (exit status 2), rather than checking whatever is there.
    @Test func aJournalChangedUnderTheCollectorIsAReadError() async throws {
        let directory = try ScratchFolder("usage-audit-collector")
        let configuration = configuration(directory)
        let collector = try await start(configuration, lines: LineCollector())
        let client = try UDPClient()
        try client.send(ParslDatagrams.startLevel1, to: collector.localAddress.port!)
        #expect(await eventually { (try? readJournal(configuration.journalPath).records.count) == 1 })
        #expect(truncate(configuration.journalPath, 0) == 0)
        try client.send(ParslDatagrams.startLevel3, to: collector.localAddress.port!)
        try client.send(ParslDatagrams.endLevel3, to: collector.localAddress.port!)
        try await Task.sleep(nanoseconds: 200_000_000)
        collector.stop(.requested)
        let outcome = await collector.run()
        #expect(outcome.datagrams == 3)
        let readError = try #require(outcome.report.inputs.first?.readError)
        #expect(readError.contains("something else changed it"), "\(readError)")
        #expect(outcome.report.hasUnreadableInput)
    }

    @Test func aJournalThatHoldsDataIsNeverOverwritten() async throws {
        let directory = try ScratchFolder("usage-audit-collector")
        let configuration = configuration(directory)
        try Data("earlier evidence".utf8).write(to: URL(fileURLWithPath: configuration.journalPath))
        await #expect {
            _ = try await start(configuration, lines: LineCollector())
        } throws: { error in
            (error as? CollectorError)?.code == .journal
                && "\(error)".contains("already holds 16 bytes")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: configuration.journalPath)) == Data("earlier evidence".utf8))
    }

    @Test func aCheckerThatCannotStartLeavesNothingBehind() async throws {
        struct NoSchemas: Error, CustomStringConvertible { var description: String { "no schemas in /nowhere" } }
        let directory = try ScratchFolder("usage-audit-collector")
        let configuration = configuration(directory)
        await #expect {
            _ = try await Collector.start(
                configuration: configuration, checker: { throw NoSchemas() }, output: LineCollector().output)
        } throws: { error in
            (error as? CollectorError)?.code == .checker && "\(error)".contains("no schemas in /nowhere")
        }
        #expect(!FileManager.default.fileExists(atPath: configuration.journalPath))
    }

    @Test func aBusyPortIsAClearErrorAndNoJournalIsCreated() async throws {
        let directory = try ScratchFolder("usage-audit-collector")
        let first = try await start(configuration(directory), lines: LineCollector())
        let port = try #require(first.localAddress.port)
        let other = try ScratchFolder("usage-audit-collector")
        var second = configuration(other)
        second.port = port
        await #expect {
            _ = try await start(second, lines: LineCollector())
        } throws: { error in
            (error as? CollectorError)?.code == .cannotBind && "\(error)".contains("127.0.0.1:\(port)")
        }
        #expect(!FileManager.default.fileExists(atPath: second.journalPath))
        first.stop(.requested)
        _ = await first.run()
    }

    @Test(arguments: [
        ("localhost", 0, "not an IPv4 or IPv6 address"),
        ("127.0.0.1", 70_000, "not a UDP port"),
    ])
    func badConfigurationsAreRefused(host: String, port: Int, expected: String) async throws {
        let directory = try ScratchFolder("usage-audit-collector")
        var configuration = configuration(directory, host: host)
        configuration.port = port
        await #expect {
            _ = try await start(configuration, lines: LineCollector())
        } throws: { error in
            (error as? CollectorError)?.code == .badConfiguration && "\(error)".contains(expected)
        }
    }
}
