import Foundation
import AuditInputs
import AuditModel
import AuditRules
import Testing

@Suite("session.* rules")
struct SessionRuleTests {
    let other = "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"

    @Test func endWithoutStart() throws {
        let found = try audit([Parsl.end()]).findings
        #expect(rules(found) == ["session.end-without-start"])
        #expect(found[0].severity == .note)
    }

    @Test func levelThreeStartWithoutEnd() throws {
        let found = try audit([Parsl.start(level: 3)]).findings
        #expect(rules(found) == ["session.start-without-end"])
        #expect(found[0].locator == .line(1))
        #expect(try audit([Parsl.start(level: 2)]).findings.isEmpty)  // levels 1 and 2 send no end
    }

    @Test func duplicateStarts() throws {
        let found = try audit([Parsl.start(level: 1), Parsl.start(level: 1)]).findings
        #expect(rules(found) == ["session.duplicate"])
        #expect(found[0].locator == .line(2))
        #expect(try audit([Parsl.start(level: 1), Parsl.start(level: 1, correlator: other)]).findings.isEmpty)
    }

    @Test func executionTimeAgainstEndMinusStart() throws {
        let found = try audit([Parsl.start(level: 3), Parsl.end(end: "1795555290", executionTime: "5")]).findings
        #expect(rules(found) == ["session.execution-time-mismatch"])
        #expect(found[0].message.contains("105"))
        #expect(try audit([Parsl.start(level: 3), Parsl.end(end: "1795555191", executionTime: "5")]).findings.isEmpty)
    }

    @Test func configurationDrift() throws {
        let dfk = #"{"c": "parsl.dataflow.dflow.DataFlowKernel", "app_count": 1, "app_fails": 0}"#
        let drifted = Parsl.end(components: #"\#(dfk), \#(Parsl.config), "parsl.executors.HighThroughputExecutor""#)
        let found = try audit([Parsl.start(level: 3), drifted]).findings
        #expect(rules(found) == ["session.config-drift"])
        #expect(found[0].message.contains("HighThroughputExecutor"))
        #expect(found[0].pointer.description == "/components")

        // User code named in a drifting configuration is marked sensitive, for --redact.
        let acmeStart = Parsl.start(level: 3, components: #"\#(Parsl.config), "acme.Provider""#)
        let acmeEnd = Parsl.end(components: #"\#(dfk), \#(Parsl.config), "acme.OtherProvider""#)
        let drift = try audit([acmeStart, acmeEnd], namespaces: ["parsl.", "acme"]).findings.filter { $0.rule == "session.config-drift" }
        #expect(drift.count == 1)
        let plain = try audit([acmeStart, acmeEnd]).findings.first { $0.rule == "session.config-drift" }
        #expect(plain?.sensitiveValues == ["acme.OtherProvider", "acme.Provider"])
    }

    /// A session's configuration is kept as the text its client wrote: the same components written with
    /// other spacing, an escape or a number spelt otherwise are the same configuration, not a drift.
    @Test func theSameConfigurationWrittenOtherwiseIsNoDrift() throws {
        let dfk = #"{"c": "parsl.dataflow.dflow.DataFlowKernel", "app_count": 1, "app_fails": 0}"#
        let respaced = #"{ "c":"parsl.config.Config",  "executors_len":1.0, "dependency_resolver":false }"#
        let escaped = #""parsl.executors.threads.Thread\u0050oolExecutor""#
        let end = Parsl.end(components: "\(dfk),\(respaced) ,\n\(escaped)")
        #expect(try audit([Parsl.start(level: 3), end]).findings.isEmpty)
        #expect(try audit([end, Parsl.start(level: 3)]).findings.isEmpty)
        let drifted = Parsl.end(components: "\(dfk),\(respaced) ,\n\(escaped), \(Parsl.threads)")
        #expect(rules(try audit([Parsl.start(level: 3), drifted]).findings) == ["session.config-drift"])
    }

    @Test func sessionMemoryIsBounded() throws {
        let checker = try Checker(configuration: CheckConfiguration(sessionCapacity: 10))
        var forgotten = 0
        for i in 0..<50 {
            let correlator = String(format: "%08x-0000-4000-8000-000000000000", i)
            let found = checker.check(
                .init(locator: .line(i + 1), payload: .datagram(Array(Parsl.start(level: 3, correlator: correlator).utf8))),
                source: "many.wire"
            ).findings
            forgotten += found.filter { $0.rule == "session.start-without-end" }.count
        }
        #expect(forgotten == 40)
        #expect(checker.finish().findings.count == 10)
    }

    @Test func forgettingThousandsOfSessionsKeepsTheRecentOnesFindable() throws {
        // Far more sessions than the table keeps, so that its storage is compacted several times: the last
        // ones must still meet their ends, the forgotten ones must not.
        let checker = try Checker(configuration: CheckConfiguration(sessionCapacity: 100))
        func correlator(_ i: Int) -> String { String(format: "%08x-0000-4000-8000-000000000001", i) }
        func send(_ payload: String, _ line: Int) -> [String] {
            checker.check(.init(locator: .line(line), payload: .datagram(Array(payload.utf8))), source: "many.wire")
                .findings.map(\.rule)
        }
        var forgotten = 0
        for i in 0..<20_000 {
            forgotten += send(Parsl.start(level: 3, correlator: correlator(i)), i + 1)
                .filter { $0 == "session.start-without-end" }.count
        }
        #expect(forgotten == 19_900)
        #expect(send(Parsl.end(correlator: correlator(19_950)), 20_001).isEmpty)
        // The forgotten session's end waits for a start that may still come; none does.
        #expect(send(Parsl.end(correlator: correlator(19_850)), 20_002).isEmpty)
        #expect(send(Parsl.start(level: 3, correlator: correlator(19_999)), 20_003).contains("session.duplicate"))
        let last = checker.finish().findings.map(\.rule)
        #expect(last.filter { $0 == "session.end-without-start" }.count == 1)
        #expect(last.filter { $0 == "session.start-without-end" }.count == 99)  // the 100 kept, less the one that ended
    }
}

@Suite("parallel checking")
struct ParallelRunTests {
    @Test func theReportIsTheSameWhateverTheThreadCount() throws {
        // Enough records for several parallel batches, with per-message and session findings mixed in.
        var lines: [String] = []
        for i in 0..<5_000 {
            let correlator = String(format: "%08x-0000-4000-8000-%012x", i % 1_700, i)
            switch i % 5 {
            case 0: lines.append(Parsl.start(level: 3, correlator: correlator))
            case 1: lines.append(Parsl.end(correlator: correlator, executionTime: String(i % 7)))
            case 2: lines.append(Parsl.start(level: 1, correlator: correlator, components: #""acme.X""#))
            case 3: lines.append("1{broken \(i)")
            default: lines.append(Parsl.start(level: 2, correlator: correlator, extra: #", "project_name": "p\#(i)@x.org""#))
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("usage-audit-parallel-\(UUID().uuidString).wire").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Batches of 500 records go to the auditing threads in chunks as they are read, the last chunk of each
        // a short one; the calling thread audits chunks too while it waits (alone with one thread).
        func report(threads: Int) throws -> AuditReport {
            var run = AuditRun(threads: threads)
            run.batchSize = 500
            return run.run([path], checker: try Checker(configuration: CheckConfiguration()))
        }
        let one = try report(threads: 1)
        #expect(one.messages.count == 5_000)
        #expect(one.messages.map(\.locator) == (1...5_000).map(Locator.line))
        #expect(one.findings.count > 5_000)
        for threads in [2, 4] {
            let other = try report(threads: threads)
            #expect(one.findings == other.findings)
            #expect(one.messages == other.messages)
        }
    }
}

@Suite("session findings point where the schemas say")
struct SessionPointerTests {
    @Test func aDuplicateLegacyStartPointsAtItsUuid() throws {
        let g2 = #"{"uuid": "4eae03f1-f34e-40de-8bbe-38017acbc1f4", "parsl_v": "2024.03.04", "python_v": "3.11.7", "os": "Linux", "os_v": "6.1.0", "start": 1709600000.0}"#
        let found = try audit([g2, g2]).findings.filter { $0.rule == "session.duplicate" }
        #expect(found.map(\.pointer.description) == ["/uuid"])
    }
}
