import AuditModel
import JSONCore
import Storage
import Testing

@testable import ReportWriters

/// The HTML report's disclosure matrix counts, for each field, the messages that held it, from a walk over
/// the keys of each stored payload and one count per group of messages with the same fields (`Groups`).
/// These hold it to the definition, made here from decoded payloads: a message counts once for every
/// top-level key and every `key[].member` of an object in a top-level list, by kind, level and generation.
@Suite struct DisclosureObservationTests {
    static func messages() -> [AuditedMessage] {
        let payloads: [JSONValue] = [
            ["parsl_v": "1.2.3", "components": [["c": "a", "mpi": false], ["c": "b"], "plain", ["c": "d", "x": 1]]],
            ["parsl_v": "1.2.4", "components": [["c": "a", "mpi": true], ["c": "b"], "plain", ["c": "e", "x": 2]]],
            ["components": [["c": "a"]], "parsl_v": "1.2.3"],
            ["components[].c": "a top-level key spelt like a member", "list": [[], [[:]], ["": 1]]],
            ["nested": ["components": [["c": "not in a top-level list"]]], "é\u{0}": [["ü": 1]]],
            [:],
            ["a", "not an object"],
        ]
        var messages: [AuditedMessage] = []
        for (index, payload) in payloads.enumerated() {
            for variant in 0..<6 {
                let kind: MessageKind = [.start, .end, .unknown][variant % 3]
                let level: Int? = variant < 3 ? 3 : variant == 3 ? nil : 1
                let generation = ["G4/G5", "G0", nil][variant % 3]
                messages.append(
                    AuditedMessage(
                        source: "s", locator: .line(index * 10 + variant), kind: kind, level: level,
                        generation: generation, parsed: variant != 5, payload: variant == 4 ? nil : payload))
            }
        }
        return messages
    }

    /// The counts by the definition: field, message kind, level and generation of every message.
    static func expectedCounts(_ messages: [AuditedMessage]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for message in messages {
            guard case .object(let object)? = message.payload, message.kind != .unknown else { continue }
            var fields: Set<String> = []
            for (key, value) in object {
                fields.insert(key)
                for case .object(let element) in value.arrayValue ?? [] {
                    for (member, _) in element { fields.insert("\(key)[].\(member)") }
                }
            }
            for field in fields {
                counts[
                    "\(field)|\(message.kind.rawValue)|\(String(describing: message.level))|\(message.generation ?? "-")",
                    default: 0] += 1
            }
        }
        return counts
    }

    /// Spooled or in memory, and with the groups counted and forgotten after every signature, every few, or
    /// at the end.
    @Test(arguments: [false, true], [1, 3, DisclosureObservation.Groups.mostSignatures])
    func countsEveryFieldOfEveryMessageAsTheDefinitionDoes(spooled: Bool, mostSignatures: Int) {
        let messages = Self.messages()
        let list: AuditList<AuditedMessage>
        if spooled {
            var builder = AuditListBuilder<AuditedMessage>(configuration: SpoolConfiguration(memoryLimit: 0))
            for message in messages { _ = builder.append(message) }
            list = builder.finish()
        } else {
            list = AuditList(messages)
        }
        let observation = DisclosureObservation(list, mostSignatures: mostSignatures)
        let expected = Self.expectedCounts(messages)
        #expect(!expected.isEmpty)
        var checked = 0
        for (entry, count) in expected {
            let parts = entry.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let level = parts[2] == "nil" ? nil : Int(parts[2].dropFirst("Optional(".count).dropLast())
            let generation = parts[3]
            // Asked for its own generation (a message of `G4/G5` counts for either).
            let asked = generation == "-" ? nil : [String(generation.split(separator: "/")[0])]
            let others = expected.filter { other, _ in
                let otherParts = other.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                guard otherParts[0...2] == parts[0...2] else { return false }
                guard let asked else { return true }
                return otherParts[3] == "-"
                    || otherParts[3].split(separator: "/").contains { asked.contains(String($0)) }
            }
            #expect(
                observation.count(parts[0], parts[1], level, generations: asked) == others.values.reduce(0, +),
                "\(entry)")
            checked += count
        }
        #expect(checked > 40)
        let topLevel = Set(
            messages.compactMap { message -> [DisclosureObservation.FieldKey]? in
                guard case .object(let object)? = message.payload, message.kind != .unknown else { return nil }
                return object.keys.map { .init(field: $0, message: message.kind.rawValue) }
            }.joined())
        #expect(observation.topLevelFields == topLevel)
        #expect(observation.decodedMessages == messages.count { $0.parsed && $0.kind != .unknown })
        #expect(
            observation.messagesWithContent
                == messages.count {
                    $0.kind != .unknown && $0.payload?.objectValue != nil
                })
        #expect(observation.sawMessagesWithoutLevel)
        #expect(observation.count("components[].c", "start", 3) == 4)
        #expect(observation.count("components[].c", "start", 3, generations: ["G0"]) == 0)
    }
}
