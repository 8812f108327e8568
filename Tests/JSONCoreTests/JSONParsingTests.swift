import JSONCore
import Testing

@Suite("Parsing through jansson")
struct JSONParsingTests {
    private func error(_ text: String, options: JSONParseOptions = .default) -> JSONParseError? {
        do {
            _ = try JSONValue.parse(text, options: options)
            return nil
        } catch { return error }
    }

    @Test func parsesATodayStartMessage() throws {
        let text = #"{"correlator": "c3bf30a7-ed8b-4470-ad92-5fe988b5d5cf", "parsl_v": "2026.10.26", "python_v": "3.11.7", "platform.system": "Linux", "tracking_level": 2, "components": [{"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": false}, "parsl.executors.threads.ThreadPoolExecutor"]}"#
        let value = try JSONValue.parse(text)
        #expect(value["tracking_level"] == .integer(2))
        #expect(value["components"]?[0]?["dependency_resolver"] == .bool(false))
        #expect(value.objectValue?.keys.first == "correlator")  // written order is kept
    }

    @Test func rejectsADuplicateKeyWithTheKeyAndItsOffset() throws {
        let text = "{\"tracking_level\": 1,\n \"tracking_level\": 3}"
        let failure = try #require(error(text))
        #expect(failure.code == .duplicateKey)
        #expect(failure.key == "tracking_level")
        #expect(failure.offset == 23)  // the second key's opening quote
        #expect(failure.line == 2 && failure.column == 2)
    }

    @Test(arguments: [
        ("[NaN]", "NaN", 1), (#"{"x": Infinity}"#, "Infinity", 6), ("[1, -Infinity]", "-Infinity", 4),
    ])
    func namesNonFiniteNumbers(text: String, name: String, offset: Int) throws {
        let failure = try #require(error(text))
        #expect(failure.code == .nonFiniteNumber)
        #expect(failure.message.hasPrefix(name + " "))
        #expect(failure.offset == offset)
    }

    @Test func doesNotMistakeNaNInsideAStringForANumber() throws {
        let failure = try #require(error(#"["NaN", nope]"#))
        #expect(failure.code == .syntax)
        #expect(failure.offset == 8)  // the first byte of the bad token
    }

    @Test func reportsInvalidUTF8AtTheBadByte() throws {
        let failure: JSONParseError
        do {
            _ = try JSONValue.parse([UInt8](#"{"a": "x"#.utf8) + [0xC3, 0x28] + [UInt8](#""}"#.utf8))
            Issue.record("invalid UTF-8 was accepted")
            return
        } catch { failure = error }
        #expect(failure.code == .invalidUTF8)
        #expect(failure.offset == 8)
    }

    @Test func reportsTrailingBytesWhereTheyStart() throws {
        let failure = try #require(error("{\"a\": 1}  x"))
        #expect(failure.code == .trailingBytes)
        #expect(failure.offset == 10)
        #expect(error("{\"a\": 1}  \n") == nil)  // whitespace is not trailing data
    }

    @Test func reportsATruncatedMessage() throws {
        #expect(error(#"{"correlator": "abc", "parsl_v"#)?.code == .truncated)
    }

    @Test func boundsNestingWithoutOverflowingTheStack() throws {
        let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        let failure = try #require(error(deep))
        #expect(failure.code == .depthLimit)
        #expect(failure.offset == JSONParseOptions.default.maxDepth)

        let shallowLimit = JSONParseOptions(maxDepth: 3)
        #expect(error("[[[1]]]", options: shallowLimit) == nil)
        let tooDeep = try #require(error(#"{"a": [[{"b": 1}]]}"#, options: shallowLimit))
        #expect(tooDeep.code == .depthLimit && tooDeep.offset == 8)
    }

    @Test func boundsTheInputSize() throws {
        let huge = "\"" + String(repeating: "x", count: 20_000_000) + "\""
        let failure = try #require(error(huge))
        #expect(failure.code == .sizeLimit)
        let value = try JSONValue.parse(huge, options: JSONParseOptions(maxBytes: 32 << 20))
        #expect(value.stringValue?.utf8.count == 20_000_000)
    }

    @Test func rejectsIntegersBeyond64BitsInsteadOfRounding() throws {
        let failure = try #require(error("[12345678901234567890123]"))
        #expect(failure.code == .integerOverflow)
        #expect(failure.offset == 1)
        #expect(failure.message.contains("12345678901234567890123"))
    }

    @Test func keepsIntegersExactAndApartFromReals() throws {
        let value = try JSONValue.parse("[9223372036854775807, -9223372036854775808, 1, 1.0, 1e2]")
        #expect(value[0] == .integer(Int64.max))
        #expect(value[1] == .integer(Int64.min))
        guard case .integer = value[2]!, case .real = value[3]!, case .real(let hundred) = value[4]! else {
            Issue.record("integers and reals are not told apart: \(value)")
            return
        }
        #expect(hundred == 100)
    }

    @Test func keepsNulInStringsWhole() throws {
        let value = try JSONValue.parse(#"{"s": "a\u0000b"}"#)
        #expect(value["s"]?.stringValue == "a\u{0}b")
        #expect(value["s"]?.stringValue?.utf8.count == 3)
    }

    @Test func keepsNulInKeysWhole() throws {
        let value = try JSONValue.parse(#"{"a\u0000b": 1, "k": {"\u0000": [true]}, "plain": "\u0000"}"#)
        let object = try #require(value.objectValue)
        #expect(Array(object.keys) == ["a\u{0}b", "k", "plain"])
        #expect(value["a\u{0}b"] == .integer(1))
        #expect(value["k"]?["\u{0}"] == .array([.bool(true)]))
        #expect(value["plain"] == .string("\u{0}"))  // a NUL in a value is not a key
    }

    @Test func nulKeysDoNotHideOtherErrors() throws {
        let failure = try #require(error(#"{"a\u0000": 1, "a\u0000": 2}"#))
        #expect(failure.code == .duplicateKey)
        #expect(failure.key == "a\u{0}")
    }

    @Test func acceptsAnyTopLevelValue() throws {
        #expect(try JSONValue.parse("3") == .integer(3))
        #expect(try JSONValue.parse("\"x\"") == .string("x"))
        #expect(try JSONValue.parse("null") == .null)
    }

    @Test func positionsCountLinesAndCodePoints() throws {
        let failure = try #require(error("{\n  \"é\": tru }"))
        #expect(failure.line == 2)
        #expect(failure.column >= 8)
    }
}
