import AuditInputs
import AuditModel
import AuditRules
import Storage
import TestSupport
import Testing

/// An end message that arrives before its start (or whose start was never captured) is held by the session
/// step until it is judged. In a run over one stream (`check` of one capture or log) the checker releases it
/// to the report at once and sends its judgment after it (`Checker.releasesBeforeJudgment`), so that it
/// no longer holds back every message after it; the report must be the one it would have been.
@Suite("messages released before their judgment")
struct JudgmentAfterReleaseTests {
    static let sender = NetworkEvidence(
        from: "10.20.0.13:41003", to: "192.0.2.77:50077", time: "2026-11-20T10:00:03.000000Z", interface: "eth0")

    struct Outcome: Equatable {
        var messages: [AuditedMessage]
        var findings: [Finding]
        var hosts: [HostSummary]
    }

    /// Checks `payloads` as one stream (no identities, as `check` of one input does), keeping what the
    /// checker releases in a `FoundSoFar` whose spool moves to its file after a few records, so that
    /// judgments are written into records both in memory and in the file. Payloads are kept for every
    /// message or for none, as `check` keeps them (every one for an HTML report).
    func run(
        _ payloads: [String], releasingBeforeJudgment: Bool, observationCapacity: Int = 100_000,
        sessionCapacity: Int = 100_000, keepingPayloads: Bool = false, finishingInSteps: Bool = false
    ) throws -> (outcome: Outcome, awaiting: Int, judged: Int) {
        let checker = try Checker(
            configuration: CheckConfiguration(sessionCapacity: sessionCapacity, observationCapacity: observationCapacity))
        checker.releasesBeforeJudgment = releasingBeforeJudgment
        checker.keepsEveryPayload = keepingPayloads
        var auditor = checker.auditor
        auditor.identifiesContent = false
        var found = FoundSoFar(spool: SpoolConfiguration(memoryLimit: 600))
        var awaiting = 0, judged = 0
        func keep(_ step: inout CheckStep) {
            awaiting += step.awaiting.count
            judged += step.judged.count
            found.take(messages: &step.messages, findings: &step.findings, awaiting: step.awaiting, judged: step.judged)
        }
        for (i, payload) in payloads.enumerated() {
            let record = InputRecord(
                locator: .packet(i + 1), payload: .datagram(Array(payload.utf8)), network: Self.sender)
            var verdict = auditor.audit(record, source: "lo.pcap", keepingPayload: keepingPayloads)
            var step = checker.complete(&verdict, input: 0)
            keep(&step)
        }
        // `check` takes the run's last steps one by one, the open sessions' findings made on another thread;
        // the collector takes them as one.
        if finishingInSteps {
            checker.finish(threads: 2, keep)
        } else {
            var last = checker.finish()
            keep(&last)
        }
        #expect(found.awaitingJudgment == 0)
        let messages = found.messages.finish(), findings = found.findings.finish()
        #expect(messages.readFailure == nil)
        return (Outcome(messages: Array(messages), findings: Array(findings), hosts: found.hosts.summaries), awaiting, judged)
    }

    /// Both ways of running the checker over `payloads`: the same report, and the new way really released
    /// `expectedEarly` ends before their judgment.
    func expectSameReport(
        _ payloads: [String], expectedEarly: Int, observationCapacity: Int = 100_000, sessionCapacity: Int = 100_000
    ) throws -> Outcome {
        var outcomes: [Outcome] = []
        for keepingPayloads in [false, true] {
            let held = try run(
                payloads, releasingBeforeJudgment: false, observationCapacity: observationCapacity,
                sessionCapacity: sessionCapacity, keepingPayloads: keepingPayloads)
            let released = try run(
                payloads, releasingBeforeJudgment: true, observationCapacity: observationCapacity,
                sessionCapacity: sessionCapacity, keepingPayloads: keepingPayloads)
            #expect(held.awaiting == 0 && held.judged == 0)
            #expect(released.awaiting == expectedEarly)
            #expect(released.judged == expectedEarly)
            #expect(released.outcome == held.outcome)
            #expect(released.outcome.messages.allSatisfy { ($0.payload != nil) == keepingPayloads })
            let inSteps = try run(
                payloads, releasingBeforeJudgment: true, observationCapacity: observationCapacity,
                sessionCapacity: sessionCapacity, keepingPayloads: keepingPayloads, finishingInSteps: true)
            #expect(inSteps.outcome == released.outcome)
            outcomes.append(released.outcome)
        }
        return outcomes[0]
    }

    static let a = "4eae03f1-f34e-40de-8bbe-38017acbc1f4", b = "5fbf14a2-a45f-41ef-9ccf-49128bdcd2a5"
    static let c = "6ac025b3-b560-42a0-8dd0-5a239cede3b6"

    @Test func anEndBeforeItsStartIsJudgedWithItsStartsLevel() throws {
        let payloads = [
            Parsl.start(level: 1, correlator: Self.b), Parsl.end(correlator: Self.a), Parsl.start(level: 2, correlator: Self.c),
            Parsl.start(level: 3, correlator: Self.a),
        ]
        let outcome = try expectSameReport(payloads, expectedEarly: 1)
        #expect(outcome.messages.map(\.level) == [1, 3, 2, 3])
        #expect(outcome.hosts.first?.levels == [1, 2, 3])
    }

    @Test func anEndWhoseStartNeverCameIsJudgedAtTheEndOfTheRun() throws {
        let payloads = [Parsl.end(correlator: Self.a), Parsl.start(level: 1, correlator: Self.b), Parsl.end(correlator: Self.c)]
        let outcome = try expectSameReport(payloads, expectedEarly: 2)
        #expect(rules(outcome.findings).filter { $0 == "session.end-without-start" }.count == 2)
        #expect(outcome.messages.map(\.findings) == [1, 0, 1])
    }

    /// At the end of a run the ends judged without their start are reported before the sessions left open,
    /// whether the checker's last steps are taken as one or one by one.
    @Test func theEndOfARunReportsJudgedEndsBeforeOpenSessions() throws {
        let payloads = [
            Parsl.start(level: 3, correlator: Self.a), Parsl.end(correlator: Self.b),
            Parsl.start(level: 3, correlator: Self.c), Parsl.end(correlator: "00000000-0000-4000-8000-000000000001"),
        ]
        let outcome = try expectSameReport(payloads, expectedEarly: 2)
        #expect(
            rules(outcome.findings).filter { $0.hasPrefix("session.") } == [
                "session.end-without-start", "session.end-without-start", "session.start-without-end",
                "session.start-without-end",
            ])
    }

    @Test func anEndLeavesTheWindowWhereTheLedgerWouldHaveReleasedIt() throws {
        // With room for two messages, the end's start comes too late: judged without it, as before.
        var payloads = [Parsl.end(correlator: Self.a)]
        for i in 0..<4 { payloads.append(Parsl.start(level: 1, correlator: "00000000-0000-4000-8000-00000000000\(i)")) }
        payloads.append(Parsl.start(level: 3, correlator: Self.a))
        let outcome = try expectSameReport(payloads, expectedEarly: 1, observationCapacity: 2)
        #expect(rules(outcome.findings).contains("session.end-without-start"))
    }

    @Test func endsBeyondTheSessionTableAreJudgedInTurn() throws {
        let payloads = (0..<6).map { Parsl.end(correlator: "00000000-0000-4000-8000-00000000001\($0)") }
        _ = try expectSameReport(payloads, expectedEarly: 6, sessionCapacity: 2)
    }

    @Test func sessionsInOrderReleaseEverythingAtOnce() throws {
        let payloads = [Parsl.start(level: 3, correlator: Self.a), Parsl.end(correlator: Self.a), Parsl.start(level: 1, correlator: Self.b)]
        let outcome = try expectSameReport(payloads, expectedEarly: 0)
        #expect(outcome.findings.isEmpty)
    }
}

@Suite("spooled records completed in place")
struct SpoolPatchTests {
    @Test func aPatchReachesARecordInMemoryAndInTheFile() throws {
        // A limit of a few records: the first ones move to the file, the last stays in memory.
        var builder = AuditListBuilder<AuditedMessage>(configuration: SpoolConfiguration(memoryLimit: 200))
        var offsets: [Int] = []
        for i in 0..<8 {
            offsets.append(
                builder.append(AuditedMessage(source: "lo.pcap", locator: .packet(i + 1), kind: .end, findings: 0)))
        }
        // Out of order, as judgments come: those in the file are written together when the list is finished.
        builder.patch(at: offsets[4], with: AuditedMessage.judgmentRecord(level: 2, findings: 1))
        builder.patch(at: offsets[1], with: AuditedMessage.judgmentRecord(level: 3, findings: 2))
        builder.patch(at: offsets[7], with: AuditedMessage.judgmentRecord(level: nil, findings: 70_000))
        builder.patch(at: offsets[0], with: AuditedMessage.judgmentRecord(level: 1, findings: 0))
        let list = builder.finish()
        #expect(list.isSpooledToFile)
        let messages = Array(list)
        #expect(list.readFailure == nil)
        #expect(messages.map(\.level) == [1, 3, nil, nil, 2, nil, nil, nil])
        #expect(messages.map(\.findings) == [0, 2, 0, 0, 1, 0, 0, 70_000])
        #expect(messages.map(\.locator) == (1...8).map { .packet($0) })
    }

    @Test func patchesBeyondWhatWaitsAreWrittenOnTheWay() throws {
        let count = SpoolStore.filePatchLimit + 1_000
        var builder = AuditListBuilder<AuditedMessage>(configuration: SpoolConfiguration(memoryLimit: 4096))
        var offsets: [Int] = []
        for i in 0..<count {
            offsets.append(builder.append(AuditedMessage(source: "-", locator: .line(i + 1), kind: .end)))
        }
        // Every one judged, newest first: more patches than wait at once.
        for i in offsets.indices.reversed() {
            builder.patch(at: offsets[i], with: AuditedMessage.judgmentRecord(level: 3, findings: i % 7))
        }
        let list = builder.finish()
        let messages = Array(list)
        #expect(list.readFailure == nil)
        #expect(messages.count == count)
        #expect(messages.allSatisfy { $0.level == 3 })
        #expect(messages.enumerated().allSatisfy { $0.element.findings == $0.offset % 7 })
    }

    #if os(Linux)  // The file is made to refuse writes by reopening it read-only through /proc.
    /// 2,000 records, the first ones moved to the file, which refuses writes (a full disk) from the 1,000th on.
    static func spoolWithFailedFile() -> (builder: AuditListBuilder<AuditedMessage>, offsets: [Int]) {
        var builder = AuditListBuilder<AuditedMessage>(configuration: SpoolConfiguration(memoryLimit: 2048))
        var offsets: [Int] = []
        for i in 0..<2_000 {
            if i == 1_000 { builder.refuseFileWritesForTesting() }
            offsets.append(builder.append(AuditedMessage(source: "lo.pcap", locator: .packet(i + 1), kind: .start)))
        }
        return (builder, offsets)
    }

    @Test func whatReachedTheFileBeforeAWriteFailedIsStillRead() throws {
        var (builder, offsets) = Self.spoolWithFailedFile()
        builder.patch(at: offsets[1_500], with: AuditedMessage.judgmentRecord(level: 1, findings: 6))
        let list = builder.finish()
        #expect(list.spoolNote?.contains("could not be written") == true)
        let messages = Array(list)
        #expect(list.readFailure == nil)
        #expect(messages.map(\.locator) == (1...2_000).map { .packet($0) })
        #expect(messages[1_500].findings == 6)
    }

    /// A judgment of a record in the file is laid over what is read from it: the file, which refuses writes,
    /// is not written for it.
    @Test func aJudgmentTheFailedFileCannotTakeIsReadAllTheSame() throws {
        var (builder, offsets) = Self.spoolWithFailedFile()
        builder.patch(at: offsets[3], with: AuditedMessage.judgmentRecord(level: 2, findings: 5))
        let list = builder.finish()
        let messages = Array(list)
        #expect(list.readFailure == nil)
        #expect(messages[3].level == 2 && messages[3].findings == 5)
        #expect(messages.map(\.locator) == (1...2_000).map { .packet($0) })
    }

    /// More judgments than wait at once must be written to the file: one that refuses writes fails the list.
    @Test func judgmentsTheFailedFileMustTakeFailTheList() throws {
        var (builder, offsets) = Self.spoolWithFailedFile()
        // The first twenty records are among those the file took before it refused writes.
        for round in 0...(SpoolStore.filePatchLimit / 20) {
            for index in 0..<20 {
                builder.patch(at: offsets[index], with: AuditedMessage.judgmentRecord(level: 2, findings: round))
            }
        }
        let list = builder.finish()
        #expect(list.readFailure?.reason.contains("could not be rewritten") == true)
    }
    #endif

    /// Patches of a spool's file, laid over its reads, against a plain copy of the bytes patched in order:
    /// patches of the same bytes (the later wins), patches across the ends of the pieces read, and a spool
    /// whose last part is still in memory.
    /// Past `filePatchLimit` patches the waiting ones are written to the file, and the later ones laid over it.
    @Test(arguments: [(0, 4_000), (3_000, 4_000), (0, SpoolStore.filePatchLimit + 3_000)])
    func patchesLaidOverReadsGiveTheBytesPatchedInOrder(memoryLimit: Int, patches: Int) {
        var random = SplitMix64(seed: UInt64(memoryLimit + patches))
        let store = SpoolStore(configuration: SpoolConfiguration(memoryLimit: memoryLimit))
        var model: [UInt8] = []
        for _ in 0..<2_000 {
            let chunk = (0..<Int.random(in: 1...90, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            store.append(chunk)
            model += chunk
        }
        for _ in 0..<patches {
            let length = Int.random(in: 1...24, using: &random)
            let offset = Int.random(in: 0...(model.count - length), using: &random)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            store.patch(at: offset, with: bytes)
            model.replaceSubrange(offset..<(offset + length), with: bytes)
        }
        store.flush()
        #expect(store.usesFile)
        for pieceSize in [7, 4_096, 1 << 20] {
            var read: [UInt8] = []
            store.forEachPiece(of: 0..<store.length, pieceSize: pieceSize) { read += $0 }
            #expect(read.count == model.count && read == model, "pieces of \(pieceSize) bytes")
        }
        for _ in 0..<200 {
            let start = Int.random(in: 0..<model.count, using: &random)
            let end = Int.random(in: start...min(model.count, start + 300), using: &random)
            var read: [UInt8] = []
            store.forEachPiece(of: start..<end, pieceSize: 64) { read += $0 }
            #expect(read == Array(model[start..<end]))
        }
        #expect(store.readFailure == nil)
    }
}
