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
        let expected = Self.expectedCounts(messages)
        // The matrix knows every field but one top-level field of each kind of message and one member field:
        // those two are listed as unknown (top-level) or not counted at all (a member the matrix does not know
        // is never shown).
        let fields = Set(
            expected.keys.map { entry in
                let parts = entry.split(separator: "|", omittingEmptySubsequences: false)
                return DisclosureObservation.FieldKey(field: String(parts[0]), message: String(parts[1]))
            })
        let unknownTopLevel: Set<DisclosureObservation.FieldKey> = [
            .init(field: "parsl_v", message: "start"), .init(field: "list", message: "end"),
        ]
        let unknownMember = DisclosureObservation.FieldKey(field: "components[].mpi", message: "start")
        let known = fields.subtracting(unknownTopLevel).subtracting([unknownMember])
        let observation = DisclosureObservation(list, known: known, mostSignatures: mostSignatures)
        #expect(!expected.isEmpty)
        var checked = 0
        for (entry, count) in expected {
            let parts = entry.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard parts[0] != unknownMember.field || parts[1] != unknownMember.message else {
                #expect(observation.count(parts[0], parts[1], nil) == 0)
                #expect(observation.count(parts[0], parts[1], 3) == 0)
                continue
            }
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
        #expect(observation.unknownTopLevelFields == unknownTopLevel)
        #expect(!observation.leftUnknownFieldsOut)
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

    /// A sender who makes up a new field in every message gets the first `mostUnknownFields` listed, in the
    /// order the messages came, the same on every run, and a note that more were seen: not a row, nor a
    /// count, per message.
    @Test func madeUpFieldsAreListedUpToABound() {
        let extra = 7
        let messages = (0..<(DisclosureObservation.mostUnknownFields + extra)).map { index in
            AuditedMessage(
                source: "s", locator: .line(index + 1), kind: .start, level: 1, generation: "G5",
                payload: ["parsl_v": "1.2.3", "made_up_\(index)": ["x": 1], "list": [["member_\(index)": 1]]])
        }
        let known: Set<DisclosureObservation.FieldKey> = [.init(field: "parsl_v", message: "start")]
        let first = DisclosureObservation(AuditList(messages), known: known, mostSignatures: 64)
        let again = DisclosureObservation(AuditList(messages), known: known, mostSignatures: 64)
        #expect(first.leftUnknownFieldsOut)
        #expect(first.unknownTopLevelFields.count == DisclosureObservation.mostUnknownFields)
        #expect(first.unknownTopLevelFields == again.unknownTopLevelFields)
        // "list" comes with the first message, then one made-up field a message.
        let listed = Set(
            ["list"] + (0..<(DisclosureObservation.mostUnknownFields - 1)).map { "made_up_\($0)" })
        #expect(Set(first.unknownTopLevelFields.map(\.field)) == listed)
        #expect(first.count("parsl_v", "start", 1) == messages.count)
        #expect(first.count("made_up_0", "start", 1) == 1)
        #expect(first.count("made_up_\(messages.count - 1)", "start", 1) == 0)
        #expect(first.count("list[].member_0", "start", 1) == 0)
    }
}
