import Foundation
import JSONCore
import Testing
import TestSupport

@testable import AuditRules

/// The checker decides most messages' validity by replaying the trace of an earlier valid message of the
/// same structure. On the real Parsl schemas, with values mutated every way a client could get them wrong,
/// the replayed verdict must always be the full validation's.
@Suite("Validation replay on the Parsl schemas")
struct ValidationReplayTests {
    /// Every payload the real releases sent (`Fixtures/real/*/*.wire`), and the generated ones.
    private static func realMessages() throws -> [JSONValue] {
        let root = Repository.root.appendingPathComponent("Fixtures/real")
        var lines: [String] = [Parsl.start(level: 1), Parsl.start(level: 2), Parsl.start(level: 3), Parsl.end()]
        for release in try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() {
            let folder = root.appendingPathComponent(release)
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { continue }
            for file in files.sorted() where file.hasSuffix(".wire") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                lines += text.split(separator: "\n").map(String.init)
            }
        }
        return lines.compactMap { line in
            let json = line.hasPrefix("1") ? String(line.dropFirst()) : line
            return try? JSONValue.parse(json)
        }
    }

    /// The same structure (types, keys, lengths) with other values, some of them wrong.
    private static func mutate(_ value: JSONValue, _ generator: inout SplitMix64) -> JSONValue {
        let keep = generator.next() % 3 == 0
        switch value {
        case .string(let text):
            if keep { return value }
            return .string(
                generator.pick([
                    "", "x", text.uppercased(), text + "!", "3.11", "3.11.7", "2026.10.26", "2024.1.1rc1", "Linux",
                    "Darwin", "CYGWIN_NT-10.0", "linux", "parsl.config.Config", "acme.Provider", "G3",
                    "4eae03f1-f34e-40de-8bbe-38017acbc1f4", "4EAE03F1-F34E-40DE-8BBE-38017ACBC1F4", "00ff", "/home/user",
                ]))
        case .integer:
            return keep ? value : .integer(generator.pick([-1, 0, 1, 2, 3, 4, 7, 1_795_555_185, 1 << 40, .max]))
        case .real(let number):
            guard !keep else { return value }
            // Keeping the structure: a whole real stays whole, another real stays fractional.
            return value.isIntegral ? .real(generator.pick([0.0, -1.0, 3.0, 1.795555185e9])) : .real(number / 3 + 0.5)
        case .bool:
            return .bool(generator.next() % 2 == 0)
        case .null:
            return value
        case .array(let elements):
            return .array(elements.map { mutate($0, &generator) })
        case .object(let object):
            return .object(JSONObject(object.map { key, member in (key, mutate(member, &generator)) }))
        }
    }

    @Test func replayedValidityIsTheFullValidationsOnMutatedRealMessages() throws {
        let schemas = try ParslSchemaSet.embedded()
        let validator = try EngineSchemaValidator(schemas: schemas)
        let messages = try Self.realMessages()
        #expect(messages.count > 20)
        var memos: [JSONShape: StructureMemo] = [:]
        var generator = SplitMix64(seed: 20_261_126)
        var replayed = 0
        var invalid = 0
        for round in 0..<24 {
            for original in messages {
                let message = round == 0 ? original : Self.mutate(original, &generator)
                let shape = try #require(JSONShape(of: message, limit: 1 << 16))
                #expect(JSONShape(of: original, limit: 1 << 16) == shape)
                let memo = memos[shape, default: StructureMemo()]
                memos[shape] = memo
                for schema in schemas.messageSchemas {
                    let full = validator.violations(of: message, against: schema.id).isEmpty
                    let viaMemo = validator.violations(of: message, against: schema.id, memo: memo).isEmpty
                    #expect(viaMemo == full, "\(schema.id): \(message.serialized())")
                    if memo.trace(for: schema.id) != nil { replayed += 1 }
                    if !full { invalid += 1 }
                }
            }
        }
        // Both kinds of verdict were exercised, thousands of them through a trace (most pairs of a message
        // and a schema of another kind are invalid, and leave no trace).
        #expect(replayed > 1000)
        #expect(invalid > 1000)
    }
}
