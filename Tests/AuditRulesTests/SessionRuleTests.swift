import Foundation
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
    }

    @Test func sessionMemoryIsBounded() throws {
        let checker = try Checker(configuration: CheckConfiguration(sessionCapacity: 10))
        var forgotten = 0
        for i in 0..<50 {
            let correlator = String(format: "%08x-0000-4000-8000-000000000000", i)
            let (_, found) = checker.check(
                .init(locator: .line(i + 1), payload: .datagram(Array(Parsl.start(level: 3, correlator: correlator).utf8))),
                source: "many.wire")
            forgotten += found.filter { $0.rule == "session.start-without-end" }.count
        }
        #expect(forgotten == 40)
        #expect(checker.finish().count == 10)
    }
}
