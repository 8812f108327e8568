import Bytes
import JSONCore
import Testing

@Suite("Values: equality, pointers, serialization")
struct JSONValueTests {
    @Test func integersAreWrittenExactly() {
        for value: Int64 in [0, 7, -7, 10, -10, 1_795_555_185, .max, .min, .max - 1, .min + 1] {
            #expect(JSONValue.integer(value).serialized() == String(value))
        }
        #expect(
            JSONValue.array([.null, .bool(true), .bool(false), .integer(-3)]).serialized() == "[null,true,false,-3]")
    }

    @Test func numbersCompareByValueAsJSONSchemaDoes() {
        #expect(JSONValue.integer(1) == .real(1.0))
        #expect(JSONValue.real(-0.0) == .integer(0))
        #expect(JSONValue.integer(1) != .real(1.000_000_1))
        #expect(JSONValue.integer(9_007_199_254_740_993) != .real(9_007_199_254_740_992))  // 2^53 + 1 is not 2^53
        #expect(JSONValue.integer(Int64.max) != .real(9_223_372_036_854_775_808.0))
        #expect(JSONValue.integer(1) != .bool(true))
        #expect(JSONNumber.compare(.real(2.5), .integer(2)) > 0)
        #expect(JSONNumber.compare(.integer(-3), .real(-2.5)) < 0)
    }

    @Test func equalValuesHashAlike() {
        #expect(Set<JSONValue>([.integer(1), .real(1.0)]).count == 1)
        let a: JSONValue = ["x": 1, "y": [true, nil]]
        let b: JSONValue = ["y": [true, nil], "x": 1.0]
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
    }

    @Test func stringsCompareByCodePoints() {
        // "é" precomposed and decomposed are canonically equivalent for Swift, different for JSON.
        #expect(JSONValue.string("\u{E9}") != .string("e\u{301}"))
    }

    @Test func pointersEscapeAndResolve() throws {
        let pointer = JSONPointer(tokens: ["a/b", "c~d", "0"])
        #expect(pointer.description == "/a~1b/c~0d/0")
        #expect(try JSONPointer(parsing: "/a~1b/c~0d/0") == pointer)
        #expect(try JSONPointer(parsing: "") == .root)
        #expect(throws: JSONPointerError.self) { try JSONPointer(parsing: "a") }
        #expect(throws: JSONPointerError.self) { try JSONPointer(parsing: "/a~2") }

        let document: JSONValue = ["a/b": ["c~d": ["x", "y"]], "": 7]
        #expect(pointer.resolve(in: document) == "x")
        #expect(JSONPointer(tokens: [""]).resolve(in: document) == 7)
        #expect(JSONPointer(tokens: ["a/b", "c~d", "01"]).resolve(in: document) == nil)  // no leading zeros
        #expect(JSONPointer(tokens: ["a/b", "c~d", "2"]).resolve(in: document) == nil)
        #expect(JSONPointer.root.resolve(in: document) == document)
    }

    @Test func serializesCompactlyInKeyOrder() throws {
        let value = try JSONValue.parse(#"{"b": [1, 2.5, "x\"\n"], "a": null, "é": "\u0000"}"#)
        #expect(value.serialized() == #"{"a":null,"b":[1,2.5,"x\"\n"],"é":"\u0000"}"#)
        #expect(
            value.serialized(.init(sortKeys: false, asciiOnly: true))
                == #"{"b":[1,2.5,"x\"\n"],"a":null,"\u00e9":"\u0000"}"#)
        #expect(try JSONValue.parse(value.serialized()) == value)
    }

    /// One serializer writes both outputs (an array of bytes for the report writers, a `ByteBuffer` for
    /// `serialized`): the same bytes into each, escapes, surrogate pairs and every kind of value included.
    @Test(arguments: [JSONValue.SerializationOptions(), .init(sortKeys: false, asciiOnly: true)])
    func arrayAndBufferGetTheSameBytes(_ options: JSONValue.SerializationOptions) throws {
        let value = try JSONValue.parse(
            #"{"z": [true, false, null, -9223372036854775808, 1e300, 0.5], "é\t": "a\u0001b\"c\\d😀\u007f", "a": {}}"#)
        var array: [UInt8] = [0x20]
        value.write(to: &array, options)
        var buffer = ByteBuffer(capacity: 1)
        buffer.append(0x20)
        value.write(to: &buffer, options)
        #expect(buffer.array == array)
        #expect(String(decoding: array.dropFirst(), as: UTF8.self) == value.serialized(options))
        #expect(try JSONValue.parse(value.serialized(options)) == value)
    }
}
