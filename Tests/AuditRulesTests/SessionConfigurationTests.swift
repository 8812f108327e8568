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
        #expect(SessionTracker.drift(whole.components, real.components) == nil)
    }

    @Test func aDifferentComponentIsADrift() throws {
        let start = SessionConfiguration(try components(#"["parsl.a.A", "parsl.b.B"]"#))
        let end = SessionConfiguration(try components(#"["parsl.a.A", "parsl.c.C"]"#))
        #expect(start != end)
        #expect(
            SessionTracker.drift(start.components, end.components)?.contains(
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

    @Test func aListTooDeepToReadBackKeepsTheValuesThemselves() throws {
        var nested = JSONValue.string("parsl.a.A")
        // Deeper than the parser reads by default (512): the text alone would read back as nothing.
        for _ in 0..<600 { nested = .array([nested]) }
        let kept = SessionConfiguration([nested])
        #expect(kept.components == [nested])
        #expect(kept == SessionConfiguration([nested]))
    }
}
