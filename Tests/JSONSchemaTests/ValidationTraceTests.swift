import JSONCore
import JSONSchema
import Testing

/// A validation trace decides the validity of instances of the recorded one's structure from their values
/// alone. These tests hold that claim against the official suite: for every group, each instance's trace is
/// replayed on every instance of the group with the same structure, and a replay that decides must agree
/// with a full evaluation.
@Suite("Validation traces")
struct ValidationTraceTests {
    /// The structure a trace assumes: the type at every place (integral reals apart from other reals), the
    /// member names in order and the array lengths. The checker's `MessageStructure` encodes the same.
    static func structure(of value: JSONValue) -> String {
        switch value {
        case .null: "n"
        case .bool: "b"
        case .integer: "i"
        case .real: value.isIntegral ? "I" : "r"
        case .string: "s"
        case .array(let elements): "[" + elements.map(structure).joined(separator: ",") + "]"
        case .object(let object):
            "{" + object.map { key, member in "\(key.utf8.count):\(key)=\(structure(of: member))" }
                .joined(separator: ",") + "}"
        }
    }

    struct Group: Sendable, CustomTestStringConvertible {
        let file: String
        let name: String
        let cases: [SuiteCase]
        var testDescription: String { "\(file) | \(name)" }
    }

    static let groups: [Group] = {
        var groups: [Group] = []
        for suiteCase in OfficialSuite.cases {
            if let last = groups.last, last.file == suiteCase.file, last.name == suiteCase.group,
                last.cases.first?.schemaText == suiteCase.schemaText
            {
                groups[groups.count - 1] = Group(file: last.file, name: last.name, cases: last.cases + [suiteCase])
            } else {
                groups.append(Group(file: suiteCase.file, name: suiteCase.group, cases: [suiteCase]))
            }
        }
        return groups
    }()

    @Test("a replay that decides agrees with a full evaluation", arguments: groups)
    func replayAgreesWithEvaluation(_ group: Group) throws {
        _ = try Self.replayAcross(group)
    }

    @Test("replays decide for other instances, not only the recorded one", .enabled(if: OfficialSuite.isPresent))
    func replaysDecideForOtherInstances() throws {
        let decided = try Self.groups.reduce(0) { $0 + (try Self.replayAcross($1)) }
        #expect(decided > 200, "only \(decided) replays on other instances decided")
    }

    /// Records each instance's trace and replays it on every instance of the group with the same structure;
    /// returns how many replays on another instance decided.
    static func replayAcross(_ group: Group) throws -> Int {
        guard let schemaText = group.cases.first?.schemaText,
            let document = try? JSONValue.parse(schemaText),
            let schema = try? Schema(
                compiling: document,
                options: CompileOptions(
                    formatAssertion: group.cases[0].assertsFormat, resources: SuiteRunner.resources))
        else { return 0 }  // the suite tests report schemas that do not compile or parse
        let parsed = group.cases.compactMap { suiteCase in
            (try? JSONValue.parse(suiteCase.dataText)).map { (text: suiteCase.dataText, value: $0) }
        }
        let instances = parsed.map(\.value)
        var decided = 0
        for (index, recorded) in instances.enumerated() {
            let (valid, recording) = schema.recordValidation(of: recorded)
            #expect(valid == schema.isValid(recorded))
            let trace = try #require(recording, "no trace for \(recorded.serialized())")
            #expect(schema.isValid(recorded, replaying: trace) == valid, "the recorded instance itself")
            for (otherIndex, other) in instances.enumerated()
            where otherIndex != index && structure(of: other) == structure(of: recorded) {
                // The instance read as a tape, where a tape reads it, decides as its tree does.
                let onTape = Array(parsed[otherIndex].text.utf8).withUnsafeBytes { raw in
                    JSONTape.read(raw, shapeLimit: 4096) { schema.isValid($0, replaying: trace) }
                }
                if let onTape {
                    #expect(
                        onTape == schema.isValid(other, replaying: trace),
                        "\(group.testDescription): trace of \(recorded.serialized()) replayed on the tape of \(other.serialized())")
                }
                guard let replayed = schema.isValid(other, replaying: trace) else { continue }
                decided += 1
                #expect(
                    replayed == schema.isValid(other),
                    "\(group.testDescription): trace of \(recorded.serialized()) replayed on \(other.serialized())")
            }
        }
        return decided
    }

    @Test func aValueThatChangesAnOutcomeMakesTheReplayGiveUp() throws {
        let schema = try Schema(
            compiling: try JSONValue.parse(
                #"{"type": "object", "properties": {"id": {"pattern": "^[0-9a-f]+$"}, "n": {"minimum": 1}}}"#))
        let valid = try JSONValue.parse(#"{"id": "00ff", "n": 3}"#)
        let (isValid, trace) = schema.recordValidation(of: valid)
        #expect(isValid)
        let recorded = try #require(trace)
        #expect(recorded.checkCount == 2)
        #expect(schema.isValid(try JSONValue.parse(#"{"id": "abcd", "n": 9}"#), replaying: recorded) == true)
        #expect(schema.isValid(try JSONValue.parse(#"{"id": "ABCD", "n": 9}"#), replaying: recorded) == nil)
        #expect(schema.isValid(try JSONValue.parse(#"{"id": "abcd", "n": 0}"#), replaying: recorded) == nil)
        func onTape(_ text: String) -> Bool?? {
            Array(text.utf8).withUnsafeBytes { raw in JSONTape.read(raw, shapeLimit: 256) { schema.isValid($0, replaying: recorded) } }
        }
        #expect(onTape(#"{"id": "abcd", "n": 9}"#) == .some(true))
        #expect(onTape(#"{"id": "ABCD", "n": 9}"#) == .some(nil))
        #expect(onTape(#"{"id": "abcd", "n": 0}"#) == .some(nil))
        // Another structure: the trace's node numbers do not fit, and the replay decides nothing.
        #expect(onTape(#"{"id": "abcd", "n": 9, "m": [1]}"#) == .some(nil))
    }

    /// A string's length is counted in code points on a tape's bytes as on the string made from them.
    @Test func lengthsOnATapeCountCodePoints() throws {
        let schema = try Schema(
            compiling: try JSONValue.parse(#"{"properties": {"s": {"maxLength": 3, "minLength": 2}}}"#))
        let recorded = try #require(schema.recordValidation(of: try JSONValue.parse(#"{"s": "ab"}"#)).trace)
        for (text, valid) in [("é", false), ("éé", true), ("ééé", true), ("éééé", false), ("😀😀", true), ("a😀😀b", false)] {
            let document = "{\"s\": \"\(text)\"}"
            let decided = Array(document.utf8).withUnsafeBytes { raw in
                JSONTape.read(raw, shapeLimit: 256) { schema.isValid($0, replaying: recorded) }
            }
            #expect(decided == .some(valid ? true : nil), "\(text)")
            #expect(schema.isValid(try JSONValue.parse(document)) == valid)
        }
    }

    /// `enum` on a string, and the bounds, `enum`, `const` and `type` on numbers, booleans and null, are
    /// decided on a tape's values where they lie (no evaluation made): each replay agrees with evaluating
    /// the document in full, or gives up where an outcome differs from the recorded one.
    @Test func checksOnATapesScalarsDecideAsEvaluationDoes() throws {
        let schema = try Schema(
            compiling: try JSONValue.parse(
                #"{"properties": {"s": {"enum": ["x", "é", "", 1, true]}, "#
                    + #""n": {"maximum": 3, "exclusiveMinimum": 0.5, "enum": [1, 2.0, 3, "3"]}, "#
                    + #""m": {"minimum": -1, "exclusiveMaximum": 10}, "b": {"const": false, "type": "boolean"}, "#
                    + #""z": {"type": ["null", "integer"]}}}"#))
        let recorded = try #require(
            schema.recordValidation(of: try JSONValue.parse(#"{"s": "x", "n": 1, "m": 0, "b": false, "z": null}"#))
                .trace)
        // The same structure as the recorded instance (integers where it has integers); "e\u{301}" is
        // canonically equivalent to "é" but not the same code points, so not in the enum's "é".
        let documents = [
            #"{"s": "é", "n": 2, "m": 9, "b": false, "z": null}"#,
            "{\"s\": \"e\u{301}\", \"n\": 3, \"m\": -1, \"b\": false, \"z\": null}",
            #"{"s": "", "n": 1, "m": 0, "b": false, "z": null}"#,
            #"{"s": "y", "n": 1, "m": 0, "b": false, "z": null}"#,
            #"{"s": "x", "n": 4, "m": 0, "b": false, "z": null}"#,
            #"{"s": "x", "n": 0, "m": 0, "b": false, "z": null}"#,
            #"{"s": "x", "n": 1, "m": 10, "b": false, "z": null}"#,
            #"{"s": "x", "n": 1, "m": -2, "b": false, "z": null}"#,
            #"{"s": "x", "n": 1, "m": 0, "b": true, "z": null}"#,
        ]
        var decided = 0
        for document in documents {
            let replayed = Array(document.utf8).withUnsafeBytes { raw in
                JSONTape.read(raw, shapeLimit: 256) { schema.isValid($0, replaying: recorded) }
            }
            let onTape = try #require(replayed, "\(document) was not read as a tape")
            let full = schema.isValid(try JSONValue.parse(document))
            // The recorded instance is valid: a replay decides exactly the documents that are valid.
            #expect(onTape == (full ? true : nil), "\(document)")
            #expect(onTape == schema.isValid(try JSONValue.parse(document), replaying: recorded), "\(document)")
            if onTape != nil { decided += 1 }
        }
        #expect(decided == 2)
    }

    @Test func aTraceOfAnotherSchemaDecidesNothing() throws {
        let document = try JSONValue.parse(#"{"minimum": 1}"#)
        let first = try Schema(compiling: document)
        let second = try Schema(compiling: document)
        let trace = try #require(first.recordValidation(of: .integer(5)).trace)
        #expect(first.isValid(.integer(6), replaying: trace) == true)
        #expect(second.isValid(.integer(6), replaying: trace) == nil)
    }

    @Test func memberNamesCheckedByPropertyNamesAreStructureAndNotRecorded() throws {
        let schema = try Schema(
            compiling: try JSONValue.parse(#"{"propertyNames": {"maxLength": 3}, "additionalProperties": {"const": 1}}"#))
        let (valid, trace) = schema.recordValidation(of: try JSONValue.parse(#"{"abc": 1}"#))
        #expect(valid)
        #expect(try #require(trace).checkCount == 1)  // the const on the member, not the name's length
    }
}
