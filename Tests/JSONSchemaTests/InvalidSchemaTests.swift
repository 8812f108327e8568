import JSONCore
import JSONSchema
import Testing

/// Schemas that must not compile, each with the code and the schema location the error must name.
@Suite("Invalid schemas fail to compile at their location")
struct InvalidSchemaTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let schema: String
        let code: SchemaError.Code
        /// The expected `location`, relative to `urn:usage-audit:schema`.
        let location: String
        var testDescription: String { schema }
    }

    static let cases: [Case] = [
        Case(schema: ##"{"type": "integr"}"##, code: .invalidKeywordValue, location: "#/type"),
        Case(schema: ##"{"type": []}"##, code: .invalidKeywordValue, location: "#/type"),
        Case(schema: ##"{"type": ["string", "string"]}"##, code: .invalidKeywordValue, location: "#/type"),
        Case(schema: ##"{"minLength": -1}"##, code: .invalidKeywordValue, location: "#/minLength"),
        Case(schema: ##"{"maxItems": 1.5}"##, code: .invalidKeywordValue, location: "#/maxItems"),
        Case(schema: ##"{"minimum": "0"}"##, code: .invalidKeywordValue, location: "#/minimum"),
        Case(schema: ##"{"multipleOf": 0}"##, code: .invalidKeywordValue, location: "#/multipleOf"),
        Case(schema: ##"{"multipleOf": -2}"##, code: .invalidKeywordValue, location: "#/multipleOf"),
        Case(schema: ##"{"required": ["a", "a"]}"##, code: .invalidKeywordValue, location: "#/required"),
        Case(schema: ##"{"required": "a"}"##, code: .invalidKeywordValue, location: "#/required"),
        Case(schema: ##"{"enum": 3}"##, code: .invalidKeywordValue, location: "#/enum"),
        Case(schema: ##"{"allOf": []}"##, code: .invalidKeywordValue, location: "#/allOf"),
        Case(schema: ##"{"anyOf": {}}"##, code: .invalidKeywordValue, location: "#/anyOf"),
        Case(schema: ##"{"items": [{}]}"##, code: .invalidKeywordValue, location: "#/items"),
        Case(schema: ##"{"properties": {"a": 3}}"##, code: .notASchema, location: "#/properties/a"),
        Case(schema: ##"{"properties": {"a": {"properties": {"b": {"minimum": null}}}}}"##, code: .invalidKeywordValue,
             location: "#/properties/a/properties/b/minimum"),
        Case(schema: ##"{"$defs": {"unused": {"type": 5}}}"##, code: .invalidKeywordValue, location: "#/$defs/unused/type"),
        Case(schema: ##"{"pattern": "(unclosed"}"##, code: .invalidRegex, location: "#/pattern"),
        Case(schema: ##"{"pattern": "(?i)case"}"##, code: .invalidRegex, location: "#/pattern"),
        Case(schema: ##"{"patternProperties": {"[z-a]": {}}}"##, code: .invalidRegex, location: "#/patternProperties/%5Bz-a%5D"),
        Case(schema: ##"{"dependentRequired": {"a": [1]}}"##, code: .invalidKeywordValue, location: "#/dependentRequired/a"),
        Case(schema: ##"{"$anchor": "1abc"}"##, code: .invalidKeywordValue, location: "#/$anchor"),
        Case(schema: ##"{"$id": "http://example.com/s#frag"}"##, code: .invalidKeywordValue, location: "http://example.com/s#/$id"),
        Case(schema: ##"{"uniqueItems": "yes"}"##, code: .invalidKeywordValue, location: "#/uniqueItems"),
        Case(schema: ##"{"minContains": -1, "contains": {}}"##, code: .invalidKeywordValue, location: "#/minContains"),
        Case(schema: ##"{"$schema": "http://json-schema.org/draft-07/schema#"}"##, code: .unknownMetaSchema, location: "#/$schema"),
        Case(schema: ##"{"$schema": "not a uri"}"##, code: .invalidKeywordValue, location: "#/$schema"),
        Case(schema: ##"{"$ref": "#/$defs/missing"}"##, code: .unresolvedReference, location: "#/$ref"),
        Case(schema: ##"{"$ref": "https://example.com/elsewhere.json"}"##, code: .unresolvedReference, location: "#/$ref"),
        Case(schema: ##"{"properties": {"x": {"$ref": "#nowhere"}}}"##, code: .unresolvedReference, location: "#/properties/x/$ref"),
        Case(schema: ##"{"$dynamicRef": "#/nothing"}"##, code: .unresolvedReference, location: "#/$dynamicRef"),
        Case(schema: "[]", code: .notASchema, location: "#"),
        Case(schema: ##"{"title": 3}"##, code: .invalidKeywordValue, location: "#/title"),
        Case(schema: ##"{"format": 3}"##, code: .invalidKeywordValue, location: "#/format"),
    ]

    @Test(arguments: cases)
    func failsAtLocation(_ testCase: Case) throws {
        let document = try JSONValue.parse(testCase.schema)
        do {
            _ = try Schema(compiling: document)
            Issue.record("compiled, but should fail with \(testCase.code)")
        } catch {
            #expect(error.code == testCase.code, "\(error)")
            let expected = testCase.location.hasPrefix("#") ? Schema.defaultURI + testCase.location : testCase.location
            #expect(error.location == expected, "\(error)")
        }
    }

    @Test func unknownRequiredVocabularyIsAnError() throws {
        var resources = ResourceMap()
        resources.add(
            try JSONValue.parse(
                ##"{"$id": "https://example.com/meta", "$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": true, "https://example.com/vocab/unknown": true}}"##),
            as: "https://example.com/meta")
        let schema = try JSONValue.parse(##"{"$schema": "https://example.com/meta"}"##)
        #expect(throws: SchemaError.self) { try Schema(compiling: schema, options: CompileOptions(resources: resources)) }
        do {
            _ = try Schema(compiling: schema, options: CompileOptions(resources: resources))
        } catch {
            #expect(error.code == .unknownVocabulary)
            #expect(error.location == Schema.defaultURI + "#/$schema")
        }
    }
}
