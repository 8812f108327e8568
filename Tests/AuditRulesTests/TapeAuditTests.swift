import AuditInputs
import AuditModel
import Foundation
import JSONCore
import TestSupport
import Testing

@testable import AuditRules

/// A message of a structure seen before is audited from a tape (`JSONTape`), without its tree. These tests
/// hold that path to the verdict the tree gives, message by message, over every message the fixtures hold
/// and messages made to reach each rule that reads values, and make sure the path is really taken.
@Suite("Auditing from a tape")
struct TapeAuditTests {
    let auditor: RecordAuditor

    init() throws {
        let schemas = try ParslSchemaSet.embedded()
        var auditor = RecordAuditor(
            schemas: schemas, validator: try EngineSchemaValidator(schemas: schemas),
            configuration: CheckConfiguration(level: .auto, allowedNamespaces: ["parsl."]))
        auditor.identifiesContent = false
        self.auditor = auditor
    }

    /// The payloads of the fixtures' wire and NDJSON files, one a line.
    static func fixturePayloads() throws -> [[UInt8]] {
        var payloads: [[UInt8]] = []
        for path in Repository.files(under: "Fixtures")
        where path.hasSuffix(".wire") || path.hasSuffix(".ndjson") || path.hasSuffix(".jsonl") {
            // Bytes, not text: some fixtures hold invalid UTF-8 on purpose.
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Repository.path(path))))
            payloads += bytes.split(separator: UInt8(ascii: "\n")).map { Array($0) }
        }
        return payloads
    }

    /// Messages made to reach what reads values: each rule, both levels of nesting, a value that breaks the
    /// schema in a message whose structure validated before, escapes, text outside ASCII.
    static let madePayloads: [String] = [
        Parsl.start(level: 1), Parsl.start(level: 2), Parsl.start(level: 3), Parsl.end(),
        Parsl.start(level: 3, extra: #", "project_name": "genomics-pipeline""#),
        Parsl.start(level: 3, extra: #", "project_name": "alice@example.edu""#),
        Parsl.start(
            level: 2,
            components: #"{"c": "parsl.config.Config", "run_dir": "/home/alice/runs"}, "acme.cluster.Provider""#),
        Parsl.start(
            level: 2,
            components: #"{"c": "parsl.config.Config", "run_dir": "/home/b\u00f6b/runs"}, "acme.cluster.Provider""#),
        Parsl.start(
            level: 2, components: #"{"c": "parsl.config.Config", "run_dir": "/home/böb/runs"}, "acme.cluster.Provider""#
        ),
        Parsl.start(level: 3, start: "1795555185.125"), Parsl.start(level: 3, start: "1795555185.5"),
        Parsl.start(level: 1, correlator: "00000000-0000-0000-0000-000000000000"),
        Parsl.start(level: 1, correlator: "4EAE03F1-F34E-40DE-8BBE-38017ACBC1F4"),
        Parsl.end(end: "1795555190.25", executionTime: "7"), Parsl.end(executionTime: "-1"),
        Parsl.start(level: 2, components: #"{"c": "parsl.config.Config", "executors_len": 1, "node": "10.20.0.13"}"#),
        // A component name is dotted code, never a host name, even where it reads like one.
        Parsl.start(level: 2, components: #"{"c": "login1.cluster.example.edu"}, "node17.cluster.example.edu""#),
        Parsl.start(
            level: 2,
            components: #"{"c": "parsl.config.Config", "executors_len": 1, "node": "node17.cluster.example.edu"}"#),
        #"1{"uuid": "4eae03f1-f34e-40de-8bbe-38017acbc1f4", "uname": "4e1d0f6a52", "hname": "9c1185a5c5", "os_v": "5.15.0-91-generic", "python_v": "3.11.7", "parsl_v": "1.2.0", "os": "Linux", "test": false, "start": 1795555185}"#,
        #"{"uuid": "4eae03f1-f34e-40de-8bbe-38017acbc1f4", "uname": "4e1d0f6a52", "hname": "9c1185a5c5", "os_v": "5.15.0-91-generic", "python_v": "3.11.7", "parsl_v": "1.2.0", "os": "Linux", "test": false, "start": 1795555185}"#,
    ]

    /// What a verdict says; `whole` adds the decoded payload and the message's identity.
    static func summary(_ verdict: RecordVerdict, whole: Bool = false) -> String {
        var lines: [String] = []
        if whole {
            lines.append("payload \(verdict.message?.payload.map { $0.serialized() } ?? "none")")
            lines.append("identity \(String(describing: verdict.content))")
        }
        if let message = verdict.message {
            lines.append(
                "message \(message.kind) level \(String(describing: message.level)) correlator \(String(describing: message.correlator)) generation \(String(describing: message.generation)) parsed \(message.parsed) findings \(message.findings) parsl_v \(String(describing: message.parslVersion))"
            )
        }
        for finding in verdict.findings {
            lines.append(
                "finding \(finding.rule) \(finding.severity) at \(finding.pointer) level \(String(describing: finding.level)) correlator \(String(describing: finding.correlator)): \(finding.message) \(finding.sensitiveValues)"
            )
        }
        if let facts = verdict.session {
            lines.append(
                "session \(facts.kind) \(facts.key) level \(String(describing: facts.level)) times \(String(describing: facts.startTime)) \(String(describing: facts.endTime)) \(String(describing: facts.duration)) user code \(facts.userCodeNames)"
            )
            lines.append("configuration \(facts.configuration.map { $0.components.map { $0.serialized() } } ?? [])")
        }
        return lines.joined(separator: "\n")
    }

    /// Each payload twice (the first of a structure plans it and records its validation), through the tree
    /// and through the tape: the same verdict whenever the tape serves. Returns how many tapes served.
    func compare(_ payloads: [[UInt8]]) throws -> (served: Int, differences: [String]) {
        var served = 0
        var differences: [String] = []
        for (line, payload) in (payloads + payloads).enumerated() {
            guard let first = payload.first, first == UInt8(ascii: "1") || first == UInt8(ascii: "{") else { continue }
            let framing: Framing = first == UInt8(ascii: "1") ? .versioned : .bare
            let json = first == UInt8(ascii: "1") ? payload.dropFirst() : payload[...]
            guard
                let (value, shape, bounds) = try? json.withUnsafeBytes({
                    try JSONValue.parseNotingElements($0, shapeLimit: MessageStructure.maxBytes)
                })
            else { continue }
            let locator = Locator.line(line + 1)
            let tree = auditor.analyze(
                value, shape: shape, text: bounds.map { (json, $0) }, framing: framing, source: "made",
                locator: locator,
                early: [])
            let tape = json.withUnsafeBytes { raw in
                JSONTape.read(raw, shapeLimit: MessageStructure.maxBytes) { tape in
                    auditor.analyze(tape, text: raw, framing: framing, source: "made", locator: locator, early: [])
                }
            }
            guard let tape, let tape else { continue }
            served += 1
            if Self.summary(tape) != Self.summary(tree) {
                differences.append(
                    "\(String(decoding: payload.prefix(100), as: UTF8.self))\n  tree: \(Self.summary(tree))\n  tape: \(Self.summary(tape))"
                )
            }
        }
        return (served, differences)
    }

    @Test func everyFixtureMessageGetsTheTreesVerdict() throws {
        let payloads = try Self.fixturePayloads()
        #expect(payloads.count > 100)
        let (served, differences) = try compare(payloads)
        #expect(differences.isEmpty, "\(differences.prefix(1).joined(separator: "\n"))")
        // Every message of a structure seen before and valid is served, which in the fixtures is most of them.
        #expect(served > payloads.count / 2, "\(served) of \(payloads.count * 2)")
    }

    @Test func madeMessagesGetTheTreesVerdict() throws {
        let (served, differences) = try compare(Self.madePayloads.map { Array($0.utf8) })
        #expect(differences.isEmpty, "\(differences.prefix(1).joined(separator: "\n"))")
        #expect(served >= Self.madePayloads.count / 2, "\(served)")
    }

    /// What the tape must leave to the tree: a structure never planned, a value that breaks the schema where
    /// a message of its structure validated, an escape.
    @Test func theTapeLeavesToTheTreeWhatItCannotDecide() throws {
        func served(_ payload: String) -> Bool {
            let json = Array(payload.utf8.dropFirst())
            return json.withUnsafeBytes { raw in
                JSONTape.read(raw, shapeLimit: MessageStructure.maxBytes) { tape in
                    auditor.analyze(tape, text: raw, framing: .versioned, source: "made", locator: .line(1), early: [])
                }
            }.flatMap { $0 } != nil
        }
        let message = Parsl.start(level: 1, correlator: "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5")
        #expect(!served(message))
        _ = auditor.audit(InputRecord(locator: .line(1), payload: .datagram(Array(message.utf8))), source: "made")
        #expect(served(message))
        #expect(!served(Parsl.start(level: 1, correlator: "not-a-uuid-but-a-string-of-the-same-structure")))
        #expect(!served(message.replacingOccurrences(of: "Linux", with: #"Lin\u0075x"#)))
    }

    /// Messages of the fixtures' structures with other values: bytes inside their strings and numbers
    /// (found by reading each message as a tape) changed to others (letters, digits, dots, at signs, slashes,
    /// text outside ASCII, a home path, an address; now and then a quote or backslash, which breaks the
    /// message or escapes), each variant after its original, so that most are read as tapes against a plan
    /// and a trace made from another message. The tape's verdict is the tree's every time.
    @Test func messagesWithOtherValuesGetTheTreesVerdict() throws {
        var generator = SplitMix64(seed: 20261206)
        let inStrings: [[UInt8]] = [
            "a", "Z", "7", ".", "@", "/", "-", "é", "😀", " ", "\\", "\"", "home/alice", "10.0.0.1", "x@y.org",
            "", "parsl.", "acme.",
        ].map { Array($0.utf8) }
        let inNumbers: [[UInt8]] = ["0", "1", "9", ".5", "-", "e3", "00", "123456789012345678901"].map {
            Array($0.utf8)
        }
        var tapes = auditor
        tapes.identifiesContent = false
        var trees = tapes
        trees.readsTapes = false
        var differences: [String] = []
        var variants = 0
        var servedVariants = 0
        for payload in try Self.fixturePayloads() {
            guard payload.first == UInt8(ascii: "1") || payload.first == UInt8(ascii: "{") else { continue }
            let offset = payload.first == UInt8(ascii: "1") ? 1 : 0
            // The bytes of the message's values: a string's between its quotes, a number's token.
            let places: [(range: Range<Int>, isString: Bool)] =
                payload[offset...].withUnsafeBytes { raw in
                    JSONTape.read(raw, shapeLimit: MessageStructure.maxBytes) { tape in
                        (0..<tape.count).compactMap { node -> (Range<Int>, Bool)? in
                            let token = tape.tokenRange(at: node)
                            switch tape.kind(at: node) {
                            case .string:
                                return ((token.lowerBound + 1 + offset)..<(token.upperBound - 1 + offset), true)
                            case .integer, .real:
                                return ((token.lowerBound + offset)..<(token.upperBound + offset), false)
                            default: return nil
                            }
                        }
                    }
                } ?? []
            guard !places.isEmpty else { continue }
            for _ in 0..<12 {
                let place = places[Int(generator.next() % UInt64(places.count))]
                let choices = place.isString ? inStrings : inNumbers
                let replacement = choices[Int(generator.next() % UInt64(choices.count))]
                let at = place.range.lowerBound + Int(generator.next() % UInt64(max(place.range.count, 1)))
                var variant = payload
                variant.replaceSubrange(at..<min(at + 1, place.range.upperBound), with: replacement)
                variants += 1
                for bytes in [payload, variant] {
                    let record = InputRecord(locator: .line(variants), payload: .datagram(bytes))
                    let (a, b) = (
                        Self.summary(tapes.audit(record, source: "mutated", keepingPayload: false)),
                        Self.summary(trees.audit(record, source: "mutated", keepingPayload: false))
                    )
                    if a != b {
                        differences.append(
                            "\(String(decoding: bytes.prefix(160), as: UTF8.self))\ntape: \(a)\ntree: \(b)")
                    }
                }
                if served(variant, by: tapes) { servedVariants += 1 }
            }
        }
        #expect(variants > 1000)
        // A quarter of the variants keep their structure and their validity, and are read as tapes (most
        // break a pattern: versions and correlators are strict), which the tree then decides.
        #expect(servedVariants > variants / 6, "\(servedVariants) of \(variants)")
        #expect(differences.isEmpty, "\(differences.count) differences; \(differences.prefix(1))")
    }

    /// Whether `auditor` reads the datagram `payload` as a tape (its structure planned, its values valid).
    func served(_ payload: [UInt8], by auditor: RecordAuditor) -> Bool {
        guard let first = payload.first, first == UInt8(ascii: "1") || first == UInt8(ascii: "{") else { return false }
        let json = first == UInt8(ascii: "1") ? payload.dropFirst() : payload[...]
        let framing: Framing = first == UInt8(ascii: "1") ? .versioned : .bare
        let verdict = json.withUnsafeBytes { raw in
            JSONTape.read(raw, shapeLimit: MessageStructure.maxBytes) { tape in
                auditor.analyze(tape, text: raw, framing: framing, source: "made", locator: .line(1), early: [])
            }
        }
        return verdict.flatMap { $0 } != nil
    }

    /// Through the public entry point, as runs use it: with and without kept payloads and message
    /// identities, the verdicts of an auditor that reads tapes and of one that reads only trees are the same,
    /// payload and identity included, over the fixtures.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func anAuditorReadingTapesAgreesWithOneReadingTrees(keepingPayload: Bool, identifying: Bool) throws {
        var tapes = auditor
        tapes.identifiesContent = identifying
        var trees = tapes
        trees.readsTapes = false
        var differences: [String] = []
        for (line, payload) in try Self.fixturePayloads().enumerated() {
            let record = InputRecord(locator: .line(line + 1), payload: .datagram(payload))
            let (fromTape, fromTree) = (
                tapes.audit(record, source: "fixtures", keepingPayload: keepingPayload),
                trees.audit(record, source: "fixtures", keepingPayload: keepingPayload)
            )
            let (a, b) = (Self.summary(fromTape, whole: true), Self.summary(fromTree, whole: true))
            if a != b { differences.append("tape: \(a)\ntree: \(b)") }
        }
        #expect(differences.isEmpty, "\(differences.prefix(1))")
    }
}
