import AuditModel
import Foundation
import JSONCore
import Testing

@testable import AuditRules

/// What the schemas say about a message structure is worked out once and reused: these tests hold the reuse
/// to the structure alone, never to values, and keep the cache bounded.
@Suite("Message plans: one per structure")
struct MessagePlanTests {
    let schemas: ParslSchemaSet

    init() throws { schemas = try ParslSchemaSet.embedded() }

    private func object(_ text: String) throws -> JSONObject {
        let bytes = Array(text.utf8)
        return try #require(
            try JSONValue.parse(bytes.first == UInt8(ascii: "1") ? Array(bytes.dropFirst()) : bytes).objectValue)
    }

    @Test func messagesThatDifferOnlyInValuesShareOnePlan() throws {
        let cache = MessagePlanCache()
        let first = cache.plan(for: try object(Parsl.start(level: 3)), schemas: schemas)
        let second = cache.plan(
            for: try object(Parsl.start(level: 3, correlator: "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5", start: "1")),
            schemas: schemas)
        #expect(first === second)
        #expect(cache.count == 1)
        #expect(first.kind == .start)
    }

    @Test func keysArrayLengthsAndTypesEachMakeAStructureOfTheirOwn() throws {
        let base = try object(#"{"a": 1, "b": [1, 2], "c": "x"}"#)
        let variants = [
            #"{"b": [1, 2], "a": 1, "c": "x"}"#,  // key order
            #"{"a": 1, "b": [1, 2, 3], "c": "x"}"#,  // array length
            #"{"a": "1", "b": [1, 2], "c": "x"}"#,  // type
            #"{"a": 1.0, "b": [1, 2], "c": "x"}"#,  // a whole real
            #"{"a": 1.5, "b": [1, 2], "c": "x"}"#,  // a real
            #"{"a": 1, "b": [1, 2], "d": "x"}"#,  // key name
        ]
        let structures = try [base] + variants.map(object)
        let keys = structures.map { MessageStructure(of: .object($0)) }
        #expect(Set(keys.compactMap { $0 }).count == structures.count)
        #expect(
            MessageStructure(of: .object(base))
                == MessageStructure(of: .object(try object(#"{"a": 7, "b": [0, 9], "c": "y"}"#))))
    }

    @Test func messagesOfOneStructureAreEachValidatedOnTheirOwnValues() throws {
        // Same structure; the later messages replay the first one's validation trace, and a value that
        // changes an outcome (a bad version, a bad correlator) must still be a violation.
        let good = Parsl.start(level: 1)
        let badVersion = good.replacingOccurrences(of: "\"python_v\": \"3.11.7\"", with: "\"python_v\": \"3.11\"")
        let badCorrelator = Parsl.start(level: 1, correlator: "4EAE03F1-F34E-40DE-8BBE-38017ACBC1F4")
        let (messages, findings) = try audit([good, badVersion, good, badCorrelator, good])
        #expect(messages.count == 5)
        let violations = findings.filter { $0.rule == "schema.violation" }
        #expect(violations.map(\.locator) == [.line(2), .line(4)])
        #expect(violations.map(\.pointer.description) == ["/python_v", "/correlator"])
    }

    @Test func aHugeStructureIsPlannedOnItsOwnAndNotRemembered() throws {
        let members = (0..<400).map { #""field_\#($0)": \#($0)"# }.joined(separator: ", ")
        let huge = try object("{" + members + "}")
        #expect(MessageStructure(of: .object(huge)) == nil)
        let cache = MessagePlanCache()
        _ = cache.plan(for: huge, schemas: schemas)
        #expect(cache.count == 0)
    }

    @Test func theCacheStartsAfreshWhenFull() throws {
        let cache = MessagePlanCache()
        for index in 0..<(MessagePlanCache.capacity + 10) {
            _ = cache.plan(for: try object(#"{"key_\#(index)": 1}"#), schemas: schemas)
        }
        #expect(cache.count <= MessagePlanCache.capacity)
        #expect(cache.count > 0)
    }

    @Test func aReusedPlanStillJudgesEachMessageByItsOwnValues() throws {
        // Same structure three times: only the values differ, and so must the findings.
        let clean = Parsl.start(
            level: 2,
            components:
                #"{"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": false}, "parsl.providers.SlurmProvider""#
        )
        let userCode = Parsl.start(
            level: 2, correlator: "5eae03f1-f34e-40de-8bbe-38017acbc1f4",
            components:
                #"{"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": false}, "acme.cluster.Provider""#
        )
        let address = Parsl.start(
            level: 2, correlator: "6eae03f1-f34e-40de-8bbe-38017acbc1f4",
            components:
                #"{"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": false}, "parsl.providers.SlurmProvider"], "x": ["jane@example.org""#
        )
        let cleanAgain = clean.replacingOccurrences(of: Parsl.correlator, with: "8eae03f1-f34e-40de-8bbe-38017acbc1f4")
        let (_, findings) = try audit([clean, userCode, cleanAgain, address])
        let byLine = Dictionary(grouping: findings, by: { $0.locator })
        #expect(byLine[.line(1)] == nil)
        #expect(byLine[.line(2)]?.map(\.rule) == ["privacy.user-code-identifier"])
        #expect(byLine[.line(2)]?.first?.pointer.description == "/components/1")
        #expect(byLine[.line(3)] == nil)
        #expect(byLine[.line(4)]?.map(\.rule).contains("privacy.personal-data") == true)
    }

    @Test func aKeyHoldingPersonalDataIsReportedInEveryMessageOfItsStructure() throws {
        let leaky = { (correlator: String) in
            Parsl.start(
                level: 2, correlator: correlator,
                components:
                    #"{"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": false, "/home/jane/run": 1}"#
            )
        }
        let (_, findings) = try audit([leaky(Parsl.correlator), leaky("7eae03f1-f34e-40de-8bbe-38017acbc1f4")])
        let keyFindings = findings.filter { $0.rule == "privacy.personal-data" }
        #expect(keyFindings.map(\.locator) == [.line(1), .line(2)])
        #expect(keyFindings.allSatisfy { $0.pointer.description == "/components/0/~1home~1jane~1run" })
        #expect(keyFindings.allSatisfy { $0.message.hasPrefix("the key '/home/jane/run'") })
    }
}
