import Testing

@testable import JSONCore

/// The fast reader's per-thread scratch: interned strings are the bytes read, whatever came before them in
/// the slot, and duplicate keys are found by digest then bytes.
@Suite("Fast reader scratch: interned strings and key digests")
struct FastReaderScratchTests {
    static func read(_ text: String, scratch: FastJSONReader.Scratch) -> JSONValue? {
        Array(text.utf8).withUnsafeBytes { raw in
            var reader = FastJSONReader(raw, maxDepth: 64, scratch: scratch)
            return try? reader.read()
        }
    }

    @Test func aStringReadAgainIsTheSameValue() {
        let scratch = FastJSONReader.Scratch()
        let document = #"{"c": "parsl.executors.high_throughput.executor.HighThroughputExecutor", "k": "v"}"#
        let first = Self.read(document, scratch: scratch)
        let second = Self.read(document, scratch: scratch)
        #expect(first != nil)
        #expect(first == second)
        #expect(second?["c"] == .string("parsl.executors.high_throughput.executor.HighThroughputExecutor"))
    }

    /// Other readers (report preparation's) intern through the same table: whatever the bytes, each string
    /// is what decoding them gives, also once slots are taken over, for invalid UTF-8 and for long strings.
    @Test func internedStringsAreTheirBytesDecoded() {
        var samples: [[UInt8]] = (0..<(FastJSONReader.Scratch.slotCount * 3)).map { Array("rule.\($0 % 7).\($0)".utf8) }
        samples += [[], [0xC3, 0x28], [0xFF], Array(repeating: UInt8(ascii: "a"), count: 200), Array("é/😀".utf8)]
        for _ in 0..<2 {
            for bytes in samples {
                let expected = String(decoding: bytes, as: UTF8.self)
                let interned = bytes.withUnsafeBytes { InternedStrings.string($0) }
                #expect(Array(interned.utf8) == Array(expected.utf8), "\(bytes.prefix(12))")
            }
        }
    }

    /// More strings than slots, each differing from many others in one byte: every slot is taken over many
    /// times, and every value read is still exactly its own bytes.
    @Test func everyValueIsItsOwnBytesWhenSlotsAreTakenOver() {
        let scratch = FastJSONReader.Scratch()
        let count = FastJSONReader.Scratch.slotCount * 4
        let names = (0..<count).map { "component-\($0 % 10)-\($0)" }
        for round in 0..<2 {
            for name in names {
                let value = Self.read(#"["\#(name)", "\#(name)x", {"\#(name)": \#(round)}]"#, scratch: scratch)
                let expected: JSONValue = .array([
                    .string(name), .string(name + "x"), .object(JSONObject([(name, .integer(Int64(round)))])),
                ])
                #expect(value.map { FastReaderAgreement.identical($0, expected) } == true, "\(name), round \(round)")
            }
        }
    }

    @Test func stringsLongerThanTheInternedOnesAndEscapedOnesReadExactly() {
        let scratch = FastJSONReader.Scratch()
        let long = String(repeating: "ab", count: FastJSONReader.Scratch.longestInterned)
        #expect(Self.read(#"["\#(long)", "\#(long)"]"#, scratch: scratch) == .array([.string(long), .string(long)]))
        #expect(Self.read(#"["a\u00e9b", "aéb"]"#, scratch: scratch) == .array([.string("aéb"), .string("aéb")]))
        #expect(Self.read(#""\ud83d\ude00""#, scratch: scratch) == .string("😀"))
    }

    /// A duplicate is found among keys of the same digest, written plainly or escaped, at any depth, and
    /// equal keys in different objects are not duplicates.
    @Test func duplicateKeysAreFoundByDigestThenBytes() {
        let scratch = FastJSONReader.Scratch()
        #expect(Self.read(#"{"a": 1, "b": 2, "a": 3}"#, scratch: scratch) == nil)
        #expect(Self.read(#"{"a": 1, "\u0061": 2}"#, scratch: scratch) == nil)
        #expect(Self.read(#"{"x": {"a": 1, "b": {"a": 2}, "a": 3}}"#, scratch: scratch) == nil)
        #expect(Self.read(#"{"a": {"a": {"a": 1}}, "b": [{"a": 1}, {"a": 2}]}"#, scratch: scratch) != nil)
        // Past 16 keys the reader switches to a set: a duplicate is still found.
        let many = (0..<40).map { #""k\#($0)": \#($0)"# }.joined(separator: ", ")
        #expect(Self.read("{\(many)}", scratch: scratch) != nil)
        #expect(Self.read("{\(many), \"k3\": 0}", scratch: scratch) == nil)
        #expect(Self.read("{\"k39\": 0, \(many)}", scratch: scratch) == nil)
    }

    /// A document the reader gave up on leaves nothing behind: the next one is read from a clean stack.
    @Test func aDocumentGivenUpOnLeavesNoKeysBehind() {
        let scratch = FastJSONReader.Scratch()
        #expect(Self.read(#"{"a": {"b": {"c": 1, "#, scratch: scratch) == nil)
        #expect(
            Self.read(#"{"a": 1, "b": 2, "c": 3}"#, scratch: scratch)
                == .object(JSONObject([("a", .integer(1)), ("b", .integer(2)), ("c", .integer(3))])))
    }
}
