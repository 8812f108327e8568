import Bytes
import Testing

@testable import JSONCore

/// A tape reads a usage message into nodes in depth-first order, gives up where a parse must decide, and
/// makes each value as the parse would.
@Suite("JSON tape")
struct JSONTapeTests {
    static let message =
        #"{"correlator": "4eae03f1-f34e-40de-8bbe-38017acbc1f4", "tracking_level": 3, "components": [{"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": false}, "parsl.executors.threads.ThreadPoolExecutor"], "start": 1795555185.25, "none": null}"#

    func read<T>(_ text: String, maxDepth: Int = 512, _ body: (JSONTape) -> T) -> T? {
        Array(text.utf8).withUnsafeBytes { raw in
            JSONTape.read(raw, options: JSONParseOptions(maxDepth: maxDepth), shapeLimit: 2048, body)
        }
    }

    @Test func readsTheUsualMessageAsTheParserDoes() throws {
        let read = read(Self.message) { tape in (tape.value(at: JSONTape.root), tape.shape, tape.count, tape.depth) }
        let (value, shape, count, depth) = try #require(read)
        let expected = try JSONValue.parse(Self.message)
        #expect(FastReaderAgreement.identical(value, expected))
        #expect(shape == JSONShape(of: expected, limit: 2048))
        // The object, 5 members, the list, its object with 3 members, its string.
        #expect(count == 1 + 5 + 1 + 3 + 1)
        #expect(depth == 3)
    }

    @Test func findsValuesByStepsAndByKey() throws {
        let found = read(Self.message) { tape -> [String] in
            var seen: [String] = []
            let list = tape.child(of: JSONTape.root, at: 2)!
            seen.append("\(tape.kind(at: list)) \(tape.count(at: list))")
            let name = tape.child(of: tape.child(of: list, at: 0)!, at: 0)!
            seen.append(String(decoding: tape.stringBytes(at: name), as: UTF8.self))
            seen.append(String(decoding: tape.stringBytes(at: tape.child(of: list, at: 1)!), as: UTF8.self))
            seen.append("\(tape.child(of: list, at: 2) == nil) \(tape.child(of: tape.child(of: JSONTape.root, at: 0)!, at: 0) == nil)")
            seen.append("\(tape.doubleValue(at: tape.member("start")!)!) \(tape.member("parsl_v") == nil)")
            seen.append(
                tape.value(at: tape.member("tracking_level")!).serialized() + " "
                    + tape.value(at: tape.member("none")!).serialized())
            let element = tape.tokenRange(at: tape.child(of: list, at: 1)!)
            seen.append(String(Self.message.utf8.dropFirst(element.lowerBound).prefix(element.count))!)
            return seen
        }
        #expect(
            found == [
                "array 2", "parsl.config.Config", "parsl.executors.threads.ThreadPoolExecutor", "true true",
                "1795555185.25 true", "3 null", #""parsl.executors.threads.ThreadPoolExecutor""#,
            ])
    }

    /// Escapes, whatever they stand for, are left to the parser; so is everything it would refuse.
    @Test func givesUpWhereTheParserMustDecide() {
        for text in [
            #"{"a": "x\ny"}"#, #"{"a\"": 1}"#, #"{"a": 1} x"#, #"{"a": 01}"#, #"{"a": 1e999}"#,
            #"[9223372036854775808]"#,
            "{\"a\": \"\u{01}\"}", #"{"a": tru}"#, #"{"a": [1,]}"#, #"{"a" 1}"#, "", " ",
        ] {
            #expect(read(text) { _ in true } == nil, "\(text)")
        }
        #expect(
            Array([0x22, 0xC3, 0x28, 0x22]).withUnsafeBytes { JSONTape.read($0, shapeLimit: 64) { _ in true } } == nil)
        #expect(read("[[[1]]]", maxDepth: 2) { _ in true } == nil)
        #expect(read("[[[1]]]", maxDepth: 3) { _ in true } == true)
    }

    /// The one check a tape leaves out: its users take it from a parse of the same shape.
    @Test func readsAKeyTwiceWhereTheParserRefuses() {
        #expect(read(#"{"a": 1, "a": 2}"#) { $0.count } == 3)
        #expect((try? JSONValue.parse(#"{"a": 1, "a": 2}"#)) == nil)
    }

    /// A tape is for documents whose shape can be looked up: past the limit it gives up, which also bounds
    /// its nodes.
    @Test func aShapeLongerThanTheLimitMakesItGiveUp() {
        let long = "{" + (0..<100).map { #""key\#($0)": \#($0)"# }.joined(separator: ",") + "}"
        let read = { (limit: Int) in
            Array(long.utf8).withUnsafeBytes { raw in JSONTape.read(raw, shapeLimit: limit) { tape in tape.count } }
        }
        #expect(read(64) == nil)
        #expect(read(2048) == 101)
        let elements = "[" + Array(repeating: "1", count: 3000).joined(separator: ",") + "]"
        #expect(Array(elements.utf8).withUnsafeBytes { JSONTape.read($0, shapeLimit: 2048) { $0.count } } == nil)
    }

    /// The thread's table grows for a large document, and a tape read inside another's closure gets a table
    /// of its own.
    @Test func aLargeDocumentAndANestedReadEachHaveTheirNodes() throws {
        let large = "[" + Array(repeating: "1", count: 30_000).joined(separator: ",") + "]"
        let sum = Array(large.utf8).withUnsafeBytes { raw in
            JSONTape.read(raw, shapeLimit: 1 << 16) { tape in
                var total = 0
                var element = JSONTape.root + 1
                for _ in 0..<tape.count(at: JSONTape.root) {
                    total += Int(tape.doubleValue(at: element)!)
                    element = tape.next(after: element)
                }
                return total
            }
        }
        #expect(sum == 30_000)
        let nested = read(#"["outer"]"#) { outer -> String in
            let inner = read(#"["inner", 2]"#) { inner in inner.value(at: 1) }
            return outer.value(at: 1).serialized() + " " + (inner?.serialized() ?? "nil")
        }
        #expect(nested == #""outer" "inner""#)
    }
}

/// A message's identity hashes its canonical text: written from its tape, it must be byte for byte the text
/// its value writes with sorted keys, or the same message read as a tape in one input and as a value in
/// another (a capture's datagram and a log's line) would count as two.
@Suite("JSON tape's canonical text")
struct JSONTapeCanonicalTests {
    static func texts(_ document: String) throws -> (tape: String, value: String)? {
        let value = try JSONValue.parse(document)
        let tape = Array(document.utf8).withUnsafeBytes { raw in
            JSONTape.read(raw, shapeLimit: 2048) { tape in
                var text: [UInt8] = []
                tape.writeCanonical(at: JSONTape.root, to: &text)
                var buffer = ByteBuffer(capacity: 4)
                tape.writeCanonical(at: JSONTape.root, to: &buffer)
                #expect(buffer.array == text, "the same text into either output")
                return String(decoding: text, as: UTF8.self)
            }
        }
        return tape.map { ($0, value.serialized(.init(sortKeys: true))) }
    }

    @Test(arguments: [
        JSONTapeTests.message,
        #"{"z": 1, "a": {"y": [3, 2, {"b": true, "a": false}], "x": null}, "m": -0.0}"#,
        #"{"ab": 1, "a": 2, "": 3, "b": 4}"#,
        #"{"é": "ünïcode", "e": "plain", "z": "😀", "\#u{7F}": "del"}"#,
        #"[1.5, -1.5e-3, 1E2, 1e300, 0.1, 9223372036854775807, -9223372036854775808]"#,
        #"{"nested": [[], {}, [{}], {"k": []}], "order": {"b": 1, "a": 2, "c": 3}}"#,
        "0", "true", "null", "\"text\"", "{}", "[]", "  { \"spaced\" : [ 1 , 2 ] }  ",
    ])
    func isTheValuesText(_ document: String) throws {
        let texts = try #require(try Self.texts(document), "a tape reads \(document)")
        #expect(texts.tape == texts.value)
    }

    @Test func ordersKeysByCodePointNotByWrittenOrder() throws {
        let texts = try #require(try Self.texts(#"{"b": 1, "é": 2, "a": {"d": 1, "c": 2}, "aa": 3}"#))
        #expect(texts.tape == #"{"a":{"c":2,"d":1},"aa":3,"b":1,"é":2}"#)
        #expect(texts.tape == texts.value)
    }
}
