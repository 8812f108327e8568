import AuditInputs
import AuditModel
import Foundation
import JSONCore
import Synchronization
import Testing

@testable import AuditRules

/// The pipeline's other threads audit with copies of the checker's auditor that share none of its objects
/// (so the processors do not count references on the same cache lines); a copy must give every record the
/// verdict the original gives, and a run the report one thread gives.
@Suite struct LaneAuditorTests {
    /// Starts and ends of many sessions at every level, a legacy message, an unknown protocol byte and a
    /// broken one: the verdicts of every path through the auditor.
    static func lines(_ count: Int) -> [String] {
        (0..<count).map { index in
            let correlator = String(format: "%08x-f34e-40de-8bbe-38017acbc1f4", index / 2)
            switch index % 11 {
            case 9: return #"{"uuid": "x", "test": false, "parsl_v": "1.2.0", "python_v": "3.9.1", "os": "Linux"}"#
            case 10: return index % 2 == 0 ? "2{}" : #"1{"correlator": "#
            default:
                return index % 2 == 0
                    ? Parsl.start(level: 1 + index % 3, correlator: correlator) : Parsl.end(correlator: correlator)
            }
        }
    }

    @Test("an independent copy gives every record the original's verdict and shares no schema object")
    func independentCopyGivesTheSameVerdicts() throws {
        let original = try Checker(configuration: CheckConfiguration()).auditor
        let copy = original.independentCopy()
        #expect(copy.schemas !== original.schemas)
        #expect(copy.configuration.allowedNamespaces == original.configuration.allowedNamespaces)
        for name in ["parsl.config.Config", "parsl", "parslx.Thing", "acme.Provider", "é.parsl."] {
            #expect(copy.configuration.isAllowedComponent(name) == original.configuration.isAllowedComponent(name))
        }
        for (index, line) in Self.lines(200).enumerated() {
            let record = InputRecord(locator: .line(index + 1), payload: .datagram(Array(line.utf8)))
            let mine = original.audit(record, source: "lanes.wire")
            let theirs = copy.audit(record, source: "lanes.wire")
            #expect(mine.message == theirs.message, "line \(index + 1)")
            #expect(mine.findings == theirs.findings, "line \(index + 1)")
        }
    }

    @Test("an auditor whose schemas cannot be compiled again here is shared, not copied")
    func otherValidatorsAreShared() throws {
        struct Permissive: MessageSchemaValidator {
            func violations(of value: JSONValue, against schemaID: String) -> [SchemaViolation] { [] }
        }
        let schemas = try ParslSchemaSet.embedded()
        let auditor = RecordAuditor(schemas: schemas, validator: Permissive(), configuration: CheckConfiguration())
        #expect(auditor.independentCopy().schemas === schemas)
    }

    @Test("lanes use the checker's auditor until the run is long enough, then one copy each, kept")
    func copiesOnlyForLongRuns() throws {
        let template = try Checker(configuration: CheckConfiguration()).auditor
        let lanes = LaneAuditors()
        lanes.recordsBeforeCopies = 1_000
        lanes.count(999)
        #expect(lanes.auditor(forLane: 1, like: template).schemas === template.schemas)
        #expect(lanes.lanesWithCopies.isEmpty)
        lanes.count(1)
        let first = lanes.auditor(forLane: 1, like: template)
        #expect(first.schemas !== template.schemas)
        #expect(lanes.auditor(forLane: 1, like: template).schemas === first.schemas, "made once, then kept")
        var noIdentities = template
        noIdentities.identifiesContent = false
        #expect(lanes.auditor(forLane: 1, like: noIdentities).identifiesContent == false, "the run's setting")
        #expect(lanes.lanesWithCopies == [1])
    }

    @Test("a run whose lanes audit with copies gives the report one thread gives")
    func aRunWithCopiesReportsAsOneThread() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("usage-audit-lanes-\(UUID().uuidString).wire").path
        try Self.lines(4_000).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var lanesWithCopies: [Int] = []
        func report(threads: Int) throws -> AuditReport {
            var run = AuditRun(threads: threads)
            run.batchSize = 256
            let checker = try Checker(configuration: CheckConfiguration())
            checker.laneAuditors.recordsBeforeCopies = 0
            defer { lanesWithCopies = checker.laneAuditors.lanesWithCopies }
            return run.run([path], checker: checker)
        }
        let one = try report(threads: 1)
        #expect(lanesWithCopies.isEmpty, "one thread: no lane")
        let three = try report(threads: 3)
        // Whether a lane took a chunk is the scheduler's choice: a lane that did audited with its copy.
        #expect(lanesWithCopies.allSatisfy { [1, 2].contains($0) })
        #expect(one.messages.count == 4_000)
        #expect(one.findings == three.findings)
        #expect(one.messages == three.messages)
    }

    @Test("each chunk of a feed is told which thread runs it: 0 for the one that adds, 1 and up for lanes")
    func chunksAreToldTheirLane() {
        let feed = WorkFeed(threads: 3)
        let seen = Mutex<Set<Int>>([])
        let done = DispatchGroup()
        for _ in 0..<64 {
            done.enter()
            feed.add { lane in
                seen.withLock { _ = $0.insert(lane) }
                usleep(200)
                done.leave()
            }
        }
        feed.help(until: done)
        feed.close()
        let lanes = seen.withLock { $0 }
        #expect(!lanes.isEmpty)
        #expect(lanes.isSubset(of: [0, 1, 2]))
    }
}
