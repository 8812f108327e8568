import JSONCore
import Testing

@testable import AuditRules

/// Open sessions keep their configuration as compact text; the drift check must judge it exactly as it
/// would the values themselves.
@Suite("A session's configuration, kept as text")
struct SessionConfigurationTests {
    private func components(_ text: String) throws -> [JSONValue] {
        try #require(try JSONValue.parse(text).arrayValue)
    }

    @Test func theSameComponentsAreEqualAndReadBackUnchanged() throws {
        let list = try components(
            #"[{"c": "parsl.config.Config", "executors_len": 1}, "parsl.executors.threads.ThreadPoolExecutor"]"#)
        let kept = SessionConfiguration(list)
        #expect(kept == SessionConfiguration(list))
        #expect(kept.components == list)
        #expect(
            kept.text
                == #"[{"c":"parsl.config.Config","executors_len":1},"parsl.executors.threads.ThreadPoolExecutor"]"#)
    }

    @Test func numbersEqualAsJSONAreEqualWhateverTheirText() throws {
        let whole = SessionConfiguration(try components(#"[{"c": "x.Y", "n": 1}]"#))
        let real = SessionConfiguration(try components(#"[{"c": "x.Y", "n": 1.0}]"#))
        #expect(whole == real)
        #expect(ConfigDriftRule.drift(whole.components, real.components) == nil)
    }

    @Test func aDifferentComponentIsADrift() throws {
        let start = SessionConfiguration(try components(#"["parsl.a.A", "parsl.b.B"]"#))
        let end = SessionConfiguration(try components(#"["parsl.a.A", "parsl.c.C"]"#))
        #expect(start != end)
        #expect(
            ConfigDriftRule.drift(start.components, end.components)?.contains(
                "only at start: parsl.b.B; only at end: parsl.c.C") == true)
    }

    @Test func aNonFiniteNumberKeepsTheValuesThemselves() throws {
        // Only a parsl.log literal can hold nan; its text (null) would not stand for it.
        let withNaN = SessionConfiguration([.object(JSONObject([("c", .string("x.Y")), ("t", .real(.nan))]))])
        let withNull = SessionConfiguration([.object(JSONObject([("c", .string("x.Y")), ("t", .null)]))])
        #expect(withNaN.text == withNull.text)
        #expect(withNaN != withNull)
        guard case .object(let object)? = withNaN.components.first, case .real(let number)? = object["t"] else {
            Issue.record("the non-finite number was not kept")
            return
        }
        #expect(number.isNaN)
    }

    /// The configuration of elements `indices` of the list in `message`, from its text as written.
    private func written(_ message: String, indices: [Int]) throws -> SessionConfiguration {
        let bytes = Array(message.utf8)
        let parsed = try bytes.withUnsafeBytes { try JSONValue.parseNotingElements($0, shapeLimit: 4096) }
        let bounds = try #require(parsed.elementBounds)
        let elements = try #require(parsed.value["components"]?.arrayValue)
        let text = try #require(
            bytes.withUnsafeBytes { SessionConfiguration.text(of: indices, at: bounds, base: 0, in: $0) })
        return SessionConfiguration(written: text, elements: elements, indices: indices)
    }

    @Test func aListCopiedFromItsMessageIsTheListItsValuesMake() throws {
        let end = try written(
            #"{"components": [{"c": "parsl.dataflow.dflow.DataFlowKernel", "app_count": 3}, {"c": "parsl.config.Config", "executors_len": 1}, "parsl.executors.threads.ThreadPoolExecutor"], "end": 1}"#,
            indices: [1, 2])
        #expect(
            end.text
                == #"[{"c": "parsl.config.Config", "executors_len": 1},"parsl.executors.threads.ThreadPoolExecutor"]"#)
        let values = try components(
            #"[{"c": "parsl.config.Config", "executors_len": 1}, "parsl.executors.threads.ThreadPoolExecutor"]"#)
        #expect(end.components == values)
        // The same list serialized (another text) or written with other spacing and escapes is equal...
        #expect(end == SessionConfiguration(values))
        let start = try written(
            #"{"components":[{"c":"parsl.config.Config","executors_len":1.0},  "parsl.executors.threads.Thread\u0050oolExecutor"]}"#,
            indices: [0, 1])
        #expect(start.text != end.text)
        #expect(start == end)
        // ...and a changed one is not.
        let drifted = try written(
            #"{"components": [{"c": "parsl.config.Config", "executors_len": 2}, "parsl.executors.threads.ThreadPoolExecutor"]}"#,
            indices: [0, 1])
        #expect(drifted != end)
        #expect(ConfigDriftRule.drift(drifted.components, end.components) != nil)
    }

    @Test func boundsOutsideTheTextGiveNoText() {
        let bytes = Array(#"{"components": ["a"]}"#.utf8)
        bytes.withUnsafeBytes { raw in
            #expect(SessionConfiguration.text(of: [0], at: [16, 19], base: 0, in: raw) == #"["a"]"#)
            #expect(SessionConfiguration.text(of: [0], at: [16, 99], base: 0, in: raw) == nil)
            #expect(SessionConfiguration.text(of: [1], at: [16, 19], base: 0, in: raw) == nil)
            #expect(SessionConfiguration.text(of: [0], at: [19, 16], base: 0, in: raw) == nil)
            #expect(SessionConfiguration.text(of: [], at: [], base: 0, in: raw) == "[]")
        }
    }

    @Test func aListTooDeepToReadBackKeepsTheValuesThemselves() throws {
        var nested = JSONValue.string("parsl.a.A")
        // Deeper than the parser reads by default (512): the text alone would read back as nothing.
        for _ in 0..<600 { nested = .array([nested]) }
        let kept = SessionConfiguration([nested])
        #expect(kept.components == [nested])
        #expect(kept == SessionConfiguration([nested]))
    }
}

/// The session table's key stands for the correlator string exactly: equal keys for equal strings only.
@Suite("Session keys")
struct SessionKeyTests {
    @Test func aLowerCaseUUIDBecomesItsBitsAndAnythingElseStaysText() {
        let uuid = "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"
        #expect(SessionKey(uuid) == .uuid(0x0c1d_2e3f_4a5b_4c6d, 0x8e7f_8091_a2b3_c4d5))
        #expect(SessionKey(uuid.uppercased()) == .text(uuid.uppercased()))
        #expect(SessionKey("not-a-uuid") == .text("not-a-uuid"))
        #expect(SessionKey("0c1d2e3f4a5b4c6d8e7f8091a2b3c4d5abcd") == .text("0c1d2e3f4a5b4c6d8e7f8091a2b3c4d5abcd"))
    }

    @Test func keysAreEqualExactlyWhenTheCorrelatorsAre() {
        let correlators = [
            "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5", "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d6",
            "0C1D2E3F-4A5B-4C6D-8E7F-8091A2B3C4D5", "1c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5", "run-1", "",
        ]
        for a in correlators {
            for b in correlators { #expect((SessionKey(a) == SessionKey(b)) == (a == b), "\(a) vs \(b)") }
        }
    }

    /// The session table keeps no correlator string: a finding about an open session spells it from the key,
    /// which must give back the very string the key was made from.
    @Test func aKeySpellsItsCorrelatorAgain() {
        var generator = SystemRandomNumberGenerator()
        var correlators = [
            "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5", "0C1D2E3F-4A5B-4C6D-8E7F-8091A2B3C4D5", "run-1", "", "ünïcode",
        ]
        for _ in 0..<200 {
            let uuid = randomParslUUID(&generator)
            guard case .uuid = SessionKey(uuid) else {
                Issue.record("\(uuid) did not become a UUID key")
                continue
            }
            correlators.append(uuid)
        }
        for correlator in correlators {
            #expect(SessionKey(correlator).correlator == correlator)
        }
        #expect(
            SessionKey.uuid(0x0c1d_2e3f_4a5b_4c6d, 0x8e7f_8091_a2b3_c4d5).correlator
                == "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5")
    }

    /// A random lower-case UUID as Parsl spells one (`str(uuid.uuid4())`).
    private func randomParslUUID(_ generator: inout SystemRandomNumberGenerator) -> String {
        let hex = Array("0123456789abcdef")
        return [8, 4, 4, 4, 12].map { count in
            String((0..<count).map { _ in hex[Int(generator.next() % 16)] })
        }.joined(separator: "-")
    }

    /// Correlators are chosen by whoever sends the datagrams: a key's hash must take both words of a UUID
    /// through the process's seeded hasher, so that no set of correlators can be crafted to share one hash
    /// (a word folded from both before hashing could be: pick any low word, solve for the high one), which
    /// would turn every probe of the session tables into a walk along all of them.
    @Test func uuidsCraftedToFoldAlikeStillHashApart() {
        let folded: UInt64 = 0x0123_4567_89AB_CDEF
        let keys = (UInt64(1)...1_000).map { low in
            SessionKey.uuid(folded ^ (low &* 0x9E37_79B9_7F4A_7C15), low)
        }
        #expect(Set(keys.map(\.hashValue)).count > 990)
    }
}
