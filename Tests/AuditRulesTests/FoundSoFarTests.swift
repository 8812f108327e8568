import AuditModel
import AuditRules
import Storage
import Testing

/// `FoundSoFar.take` moves what a step released into the report's lists: every message and finding in the
/// order given, none left behind in the step, and a message released before its judgment completed by it.
@Suite("what a run has found so far")
struct FoundSoFarTests {
    static let sender = NetworkEvidence(
        from: "10.20.0.13:41003", to: "192.0.2.77:50077", time: "2026-11-20T10:00:03.000000Z", interface: "eth0")

    static func message(_ number: Int, network: NetworkEvidence? = nil) -> AuditedMessage {
        AuditedMessage(
            source: "lo.pcap", locator: .packet(number), kind: .start, level: 1, correlator: "c\(number)",
            generation: "G5", network: network, parslVersion: "2025.1.\(number)")
    }

    static func finding(_ number: Int, network: NetworkEvidence? = nil) -> Finding {
        var finding = Finding(
            InvalidJSONRule.descriptor, source: "lo.pcap", locator: .packet(number), message: "finding \(number)")
        finding.network = network
        return finding
    }

    @Test func takesEveryMessageAndFindingInOrderAndEmptiesTheStep() {
        // A spool that moves to its file after a few records: the order must hold in memory and in the file.
        var found = FoundSoFar(spool: SpoolConfiguration(memoryLimit: 300))
        var messages = (1...5).map { Self.message($0, network: $0 == 2 ? Self.sender : nil) }
        var findings = (1...4).map { Self.finding($0, network: $0 == 3 ? Self.sender : nil) }
        let (expectedMessages, expectedFindings) = (messages, findings)
        var seen: [Finding] = []
        found.take(messages: &messages, findings: &findings) { seen.append($0) }
        #expect(messages.isEmpty && findings.isEmpty)
        #expect(messages.capacity >= 5 && findings.capacity >= 4, "the step's storage is kept for the next one")
        #expect(seen == expectedFindings)
        #expect(Array(found.messages.finish()) == expectedMessages)
        #expect(Array(found.findings.finish()) == expectedFindings)
        let host = found.hosts.summaries.first
        #expect(found.hosts.summaries.count == 1 && host?.address == "10.20.0.13")
        #expect(host?.messages == 1 && host?.parslVersions == ["2025.1.2"])
        #expect(host?.rules == [InvalidJSONRule.descriptor.id])
    }

    @Test func theInventoryListsUpToItsLimitOfSendersAndCountsTheRest() {
        var hosts = HostInventory()
        func sender(_ number: Int) -> NetworkEvidence {
            NetworkEvidence(
                from: "10.\(number >> 16 & 0xFF).\(number >> 8 & 0xFF).\(number & 0xFF):41003",
                to: "192.0.2.77:50077", time: "2026-11-20T10:00:03.000000Z")
        }
        for number in 0..<(HostInventory.limit + 3) { hosts.add(Self.message(number, network: sender(number))) }
        hosts.add(Self.message(0, network: sender(0)))
        hosts.add(Self.finding(1, network: sender(1)))
        hosts.add(Self.finding(HostInventory.limit + 1, network: sender(HostInventory.limit + 1)))
        let summaries = hosts.summaries
        #expect(summaries.count == HostInventory.limit)
        #expect(hosts.unlisted == 4, "three senders past the limit, and one finding of one of them")
        let first = summaries.first { $0.address == "10.0.0.0" }, second = summaries.first { $0.address == "10.0.0.1" }
        #expect(first?.messages == 2, "a listed sender is counted again")
        #expect(second?.messages == 1 && second?.rules == [InvalidJSONRule.descriptor.id])
        #expect(second?.count(.error) == 1)
    }

    @Test func aMessageReleasedBeforeItsJudgmentIsCompletedByIt() {
        var found = FoundSoFar()
        var messages = (1...3).map { Self.message($0, network: Self.sender) }
        var findings: [Finding] = []
        var held = messages[1]
        found.take(
            messages: &messages, findings: &findings, awaiting: [AwaitingJudgment(position: 1, ticket: 7)])
        #expect(found.awaitingJudgment == 1)
        #expect(found.hosts.summaries.first?.messages == 2, "the held message is counted once judged")
        found.take(messages: &messages, findings: &findings, judged: [LaterJudgment(ticket: 7, level: 3, findings: 2)])
        #expect(found.awaitingJudgment == 0)
        held.level = 3
        held.findings = 2
        let kept = Array(found.messages.finish())
        #expect(kept == [Self.message(1, network: Self.sender), held, Self.message(3, network: Self.sender)])
        #expect(found.hosts.summaries.first?.messages == 3 && found.hosts.summaries.first?.levels == [1, 3])
    }
}
