import JSONCore
import Testing

/// A shape is everything but the values; the parser writes it while reading, and it must be exactly the
/// shape a walk of the parsed value gives, or the checker would plan a message by another's structure.
@Suite("JSON shapes")
struct JSONShapeTests {
    static let documents: [String] = [
        #"{}"#, #"[]"#, #"null"#, #"true"#, #"0"#, #"-1.5"#, #"2.0"#, #"1e3"#, #""text""#,
        #"{"a": 1, "b": [1, 2.5, 3.0], "c": {"d": null, "e": [true, false, []]}, "f": "x"}"#,
        #"{"correlator": "4eae03f1-f34e-40de-8bbe-38017acbc1f4", "parsl_v": "2026.10.26", "tracking_level": 3, "components": [{"c": "parsl.config.Config", "executors_len": 1}, "parsl.executors.threads.ThreadPoolExecutor"], "start": 1795555185}"#,
        #"{"k\"ey": 1, "caf\u00e9": 2, "tab\tkey": [{}], "\ud83d\ude00": "e"}"#,
        #"{"é": [[[[1]]]], "": {"": ""}}"#,
        "{\"\(String(repeating: "k", count: 200))\": [" + Array(repeating: "1", count: 40).joined(separator: ",") + "]}",
    ]

    @Test("the parser writes the shape a walk of the value gives", arguments: documents)
    func parsedShapeIsTheWalkedShape(_ text: String) throws {
        let bytes = Array(text.utf8)
        let (value, shape) = try bytes.withUnsafeBytes { raw in try JSONValue.parse(raw, shapeLimit: 4096) }
        #expect(shape != nil)
        #expect(shape == JSONShape(of: value, limit: 4096))
    }

    @Test func valuesDoNotChangeTheShapeButKeysTypesAndLengthsDo() throws {
        func shape(_ text: String) throws -> JSONShape? {
            try Array(text.utf8).withUnsafeBytes { try JSONValue.parse($0, shapeLimit: 4096).shape }
        }
        let base = try shape(#"{"a": 1, "b": [1, 2], "c": "x", "d": 1.5}"#)
        #expect(try shape(#"{"a": 7, "b": [0, 9], "c": "yy", "d": 2.25}"#) == base)
        for variant in [
            #"{"b": [1, 2], "a": 1, "c": "x", "d": 1.5}"#, #"{"a": 1, "b": [1, 2, 3], "c": "x", "d": 1.5}"#,
            #"{"a": "1", "b": [1, 2], "c": "x", "d": 1.5}"#, #"{"a": 1.0, "b": [1, 2], "c": "x", "d": 1.5}"#,
            #"{"a": 1, "b": [1, 2], "c": "x", "d": 2.0}"#, #"{"a": 1, "b": [[1], 2], "c": "x", "d": 1.5}"#,
            #"{"ab": 1, "b": [1, 2], "c": "x", "d": 1.5}"#,
        ] {
            #expect(try shape(variant) != base, "\(variant)")
        }
        // Keys are prefixed by their lengths and containers closed: nesting cannot be confused.
        #expect(try shape(#"[[], 1]"#) != shape(#"[[1]]"#))
        #expect(try shape(#"{"a": {"b": 1}}"#) != shape(#"{"a": {}, "b": 1}"#))
    }

    @Test func aShapeLongerThanTheLimitIsNotKept() throws {
        let text = "[" + Array(repeating: "1", count: 100).joined(separator: ",") + "]"
        let (value, shape) = try Array(text.utf8).withUnsafeBytes { try JSONValue.parse($0, shapeLimit: 64) }
        #expect(value.arrayValue?.count == 100)
        #expect(shape == nil)
        #expect(JSONShape(of: value, limit: 64) == nil)
        #expect(JSONShape(of: value, limit: 102) != nil)
    }
}

/// The fast reader says where the elements of a message's array members are written, so that a session's
/// configuration is copied from the message's text rather than serialized again.
@Suite("Element bounds noted while parsing")
struct ElementBoundsTests {
    private func parsed(_ text: String) throws -> (value: JSONValue, texts: [String]?) {
        let bytes = Array(text.utf8)
        let parsed = try bytes.withUnsafeBytes { try JSONValue.parseNotingElements($0, shapeLimit: 4096) }
        let texts = parsed.elementBounds.map { bounds in
            stride(from: 0, to: bounds.count, by: 2).map {
                String(decoding: bytes[bounds[$0]..<bounds[$0 + 1]], as: UTF8.self)
            }
        }
        return (parsed.value, texts)
    }

    @Test func eachElementOfEachArrayMemberAsWrittenInOrder() throws {
        let (value, texts) = try parsed(
            #"{"a": [1, "x" , {"c": "parsl.A", "n": [2, 3]}], "b": {"d": [4]}, "e": [], "f":["\"q\""  ,[5]]}"#)
        // Arrays one level down only: not b's inner array, not n inside an element; whitespace around an
        // element is not its text, escapes inside it are.
        #expect(texts == ["1", #""x""#, #"{"c": "parsl.A", "n": [2, 3]}"#, #""\"q\"""#, "[5]"])
        #expect(value["a"]?.arrayValue?.count == 3)
    }

    @Test func theElementsOfATopLevelArrayAreNotNotedButTheirArraysAre() throws {
        #expect(try parsed(#"[1, [2, 3], "x"]"#).texts == ["2", "3"])
        #expect(try parsed(#"{"a": 1}"#).texts == [])
    }

    @Test func noBoundsWhenTheFastReaderDoesNotRead() throws {
        let bytes = Array(#"{"a": [1, 2]}"#.utf8)
        // A shape limit out of range reads without the fast reader's notes.
        let parsed = try bytes.withUnsafeBytes { try JSONValue.parseNotingElements($0, shapeLimit: 1 << 17) }
        #expect(parsed.value["a"]?.arrayValue?.count == 2)
        #expect(parsed.elementBounds == nil)
    }
}

/// A thread's remembered verdicts: per topic, per exact bytes, bounded.
@Suite("String verdict memo")
struct StringVerdictMemoTests {
    private func ask(_ memo: StringVerdictMemo, _ topic: StringVerdictMemo.Topic, _ text: String) -> Bool? {
        var text = text
        return text.withUTF8 { memo.verdict(topic, on: $0) }
    }

    private func tell(_ memo: StringVerdictMemo, _ topic: StringVerdictMemo.Topic, _ text: String, _ verdict: Bool) {
        var text = text
        text.withUTF8 { memo.remember(verdict, topic, on: $0) }
    }

    @Test func aVerdictBelongsToItsTopicAndItsExactBytes() {
        let memo = StringVerdictMemo.forThisThread()
        let first = StringVerdictMemo.Topic(), second = StringVerdictMemo.Topic()
        // Asked right after each telling: the memo is direct-mapped, so two strings may share a slot.
        tell(memo, first, "2026.10.26", true)
        #expect(ask(memo, first, "2026.10.26") == true)
        #expect(ask(memo, second, "2026.10.26") == nil)
        #expect(ask(memo, first, "2026.10.2") == nil)
        tell(memo, first, "\u{E9}", false)
        #expect(ask(memo, first, "\u{E9}") == false)
        #expect(ask(memo, first, "e\u{301}") == nil)  // canonically equivalent, other bytes
    }

    @Test func aStringTooLongIsNeverRemembered() {
        let memo = StringVerdictMemo.forThisThread()
        let topic = StringVerdictMemo.Topic()
        let long = String(repeating: "x", count: StringVerdictMemo.longestRemembered + 1)
        tell(memo, topic, long, true)
        #expect(ask(memo, topic, long) == nil)
    }

    @Test func newerStringsTakeSlotsOverAndNothingIsWrong() {
        let memo = StringVerdictMemo.forThisThread()
        let topic = StringVerdictMemo.Topic()
        for n in 0..<5000 { tell(memo, topic, "s\(n)", n % 3 == 0) }
        var remembered = 0
        for n in 0..<5000 {
            guard let verdict = ask(memo, topic, "s\(n)") else { continue }
            remembered += 1
            #expect(verdict == (n % 3 == 0), "s\(n)")
        }
        #expect(remembered <= StringVerdictMemo.slotCount)
        #expect(remembered > 0)
    }
}
