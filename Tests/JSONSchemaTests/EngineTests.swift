import Foundation
import JSONCore
import JSONSchema
import Testing

@Suite("Engine behaviour beyond the official suite")
struct EngineTests {
    func compile(_ text: String, options: CompileOptions = .init()) throws -> Schema {
        try Schema(compiling: JSONValue.parse(text), options: options)
    }

    @Test func outputUnitsCarryAllFourLocations() throws {
        let schema = try compile(
            ##"{"$id": "https://example.com/root", "properties": {"a": {"$ref": "#/$defs/n"}}, "$defs": {"n": {"minimum": 5}}}"##)
        let result = schema.validate(try JSONValue.parse(##"{"a": 3}"##))
        #expect(result.errors.count == 1)
        let unit = try #require(result.errors.first)
        #expect(unit.keyword == "minimum")
        #expect(unit.instanceLocation.description == "/a")
        #expect(unit.keywordLocation.description == "/properties/a/$ref/minimum")
        #expect(unit.absoluteKeywordLocation == "https://example.com/root#/$defs/n/minimum")
        #expect(unit.error == "3 is less than the minimum of 5")
        #expect(unit.json["instanceLocation"] == .string("/a"))
    }

    @Test func anyOfFailuresNestAsCausesAndBestMatchDescends() throws {
        let schema = try compile(
            ##"{"properties": {"v": {"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 10}]}}}"##)
        let result = schema.validate(try JSONValue.parse(##"{"v": 3}"##))
        let anyOf = try #require(result.errors.first)
        #expect(anyOf.keyword == "anyOf")
        #expect(anyOf.causes.map(\.keyword).sorted() == ["minimum", "type"])
        // Both causes are equally deep: best_match stops at the anyOf rather than guess a branch.
        #expect(result.bestMatch?.keyword == "anyOf")

        let deeper = try compile(##"{"anyOf": [{"properties": {"x": {"type": "string"}}, "required": ["x"]}, {"type": "array"}]}"##)
        let best = deeper.validate(try JSONValue.parse(##"{"x": 1}"##)).bestMatch
        #expect(best?.keyword == "type")
        #expect(best?.instanceLocation.description == "/x")
    }

    @Test func bestMatchPrefersShallowErrors() throws {
        let schema = try compile(##"{"required": ["a"], "properties": {"b": {"properties": {"c": {"type": "string"}}}}}"##)
        let result = schema.validate(try JSONValue.parse(##"{"b": {"c": 1}}"##))
        #expect(result.errors.count == 2)
        #expect(result.bestMatch?.keyword == "required")
    }

    @Test func rememberedPatternVerdictsBelongToTheirPatternAndExactBytes() throws {
        // Each thread remembers recent (pattern, subject) verdicts; asking twice must give the first answer,
        // per pattern, and canonically equivalent spellings (é as one or two code points) are not the same
        // subject for a regex.
        let precomposed = JSONValue.string("\u{E9}")
        let decomposed = JSONValue.string("e\u{301}")
        let accent = try Schema(compiling: try JSONValue.parse(#"{"pattern": "^\\u00e9$"}"#))
        let anything = try Schema(compiling: try JSONValue.parse(#"{"pattern": "^e"}"#))
        for _ in 0..<3 {
            #expect(accent.isValid(precomposed))
            #expect(!accent.isValid(decomposed))
            #expect(!anything.isValid(precomposed))
            #expect(anything.isValid(decomposed))
        }
        // Many subjects through one pattern: every verdict still its own.
        let digits = try Schema(compiling: try JSONValue.parse(#"{"pattern": "^[0-9]+$"}"#))
        for round in 0..<2 {
            for n in 0..<2000 {
                #expect(digits.isValid(.string(String(n))), "round \(round)")
                #expect(!digits.isValid(.string("x\(n)")), "round \(round)")
            }
        }
    }

    @Test func stringLengthCountsCodePoints() throws {
        let schema = try compile(##"{"maxLength": 2, "minLength": 2}"##)
        #expect(schema.isValid(.string("\u{1F600}\u{1F600}")))  // 2 code points, 8 UTF-8 bytes
        #expect(schema.isValid(.string("e\u{301}")))  // 2 code points, 1 grapheme
        #expect(!schema.isValid(.string("\u{1F468}\u{200D}\u{1F469}")))  // 3 code points, 1 grapheme
    }

    @Test(arguments: [
        (##"0.0075"##, ##"0.0001"##, true), (##"0.00751"##, ##"0.0001"##, false), (##"1e308"##, ##"0.5"##, true),
        (##"4.5"##, ##"1.5"##, true), (##"35"##, ##"1.5"##, false), (##"9007199254740993"##, ##"3"##, true),
        (##"9223372036854775807"##, ##"7"##, true), (##"-21"##, ##"7"##, true), (##"0.3"##, ##"0.1"##, true), (##"1e-10"##, ##"1e-11"##, true),
    ])
    func multipleOfIsExactOnDecimals(instance: String, divisor: String, expected: Bool) throws {
        let schema = try compile(##"{"multipleOf": \##(divisor)}"##)
        #expect(schema.isValid(try JSONValue.parse(instance)) == expected)
    }

    @Test func hostileRegexErrorsInsteadOfHanging() throws {
        let schema = try compile(##"{"pattern": "^(a+)+$"}"##, options: CompileOptions(regexMatchLimit: 10_000))
        let hostile = JSONValue.string(String(repeating: "a", count: 40) + "!")
        let start = ContinuousClock.now
        #expect(!schema.isValid(hostile))
        let result = schema.validate(hostile)
        #expect(result.errors.first?.error.contains("could not be matched") == true, "\(result.errors)")
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func regexFollowsECMAScript() throws {
        #expect(try compile(##"{"pattern": "^\\d$"}"##).isValid(.string("5")))
        #expect(!(try compile(##"{"pattern": "^\\d$"}"##).isValid(.string("\u{0967}"))))  // Devanagari one
        #expect(try compile(##"{"pattern": "^\\s$"}"##).isValid(.string("\u{00A0}")))
        #expect(!(try compile(##"{"pattern": "^abc$"}"##).isValid(.string("abc\n"))))
        #expect(try compile(##"{"pattern": "^\\p{Letter}+$"}"##).isValid(.string("\u{3C0}")))
        #expect(try compile(##"{"pattern": "^\\u00e9$"}"##).isValid(.string("\u{E9}")))
    }

    @Test func referenceCycleThroughInPlaceApplicatorsIsDetected() throws {
        let schema = try compile(##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}"##)
        #expect(!schema.isValid(.integer(1)))
        let error = try #require(schema.validate(.integer(1)).errors.first)
        #expect(error.error.contains("infinite recursion"), "\(error)")
    }

    @Test func endlessDynamicReferenceIsDetected() throws {
        let schema = try compile(##"{"$id": "https://example.com/loop", "$dynamicAnchor": "self", "allOf": [{"$dynamicRef": "#self"}]}"##)
        #expect(!schema.isValid(.integer(1)))
        let error = try #require(schema.validate(.integer(1)).errors.first)
        #expect(error.error.contains("infinite recursion"), "\(error)")
        #expect(error.keyword == "$dynamicRef")
    }

    @Test func recursionThatConsumesTheInstanceIsFine() throws {
        let schema = try compile(##"{"type": "array", "items": {"$ref": "#"}}"##)
        #expect(schema.isValid(try JSONValue.parse("[[[[]]], []]")))
        #expect(!schema.isValid(try JSONValue.parse("[[[[1]]]]")))
    }

    /// JSONCore accepts 512 levels of nesting; a recursive schema must validate them on a secondary thread
    /// (smaller stack than the main one) without overflowing, in every mode.
    @Test func deepInstancesValidateOnSecondaryThreads() async throws {
        let schema = try compile(##"{"$defs": {"node": {"anyOf": [{"type": "integer"}, {"type": "array", "items": {"$ref": "#/$defs/node"}}]}}, "$ref": "#/$defs/node"}"##)
        let deep = try JSONValue.parse(String(repeating: "[", count: 511) + "1" + String(repeating: "]", count: 511))
        let bad = try JSONValue.parse(String(repeating: "[", count: 511) + "\"x\"" + String(repeating: "]", count: 511))
        let outcome = await Task.detached { (schema.isValid(deep), schema.isValid(bad), schema.validate(bad).errors.count) }.value
        #expect(outcome.0)
        #expect(!outcome.1)
        #expect(outcome.2 == 1)
    }

    @Test func formatAssertsOnlyWhenAsked() throws {
        let text = ##"{"format": "ipv4"}"##
        #expect(try compile(text).isValid(.string("999.1.1.1")))
        let asserting = try compile(text, options: CompileOptions(formatAssertion: true))
        #expect(!asserting.isValid(.string("999.1.1.1")))
        #expect(asserting.isValid(.string("192.0.2.1")))
        #expect(asserting.isValid(.integer(3)))  // formats constrain strings only
    }

    @Test func customVocabularyAnnotatesValidLocations() throws {
        let privacy = Vocabulary.annotations(uri: "https://example.com/vocab/privacy", keywords: ["discloses"]) { _, value in
            value.stringValue == nil ? "must be a string" : nil
        }
        let options = CompileOptions(vocabularies: [privacy])
        let schema = try compile(
            ##"""
            {"properties": {"correlator": {"type": "string", "discloses": "basic"},
                            "components": {"type": "array", "discloses": "configuration",
                                           "items": {"anyOf": [{"type": "string", "discloses": "name"},
                                                               {"type": "object", "discloses": "object"}]}}}}
            """##, options: options)
        let message = try JSONValue.parse(##"{"correlator": "x", "components": ["a", {"c": "b"}]}"##)
        let result = schema.annotations(of: ["discloses"], for: message)
        #expect(result.isValid)
        let byLocation = result.byInstanceLocation.mapValues { $0.map(\.value) }
        #expect(byLocation[try JSONPointer(parsing: "/correlator")] == [.string("basic")])
        #expect(byLocation[try JSONPointer(parsing: "/components")] == [.string("configuration")])
        #expect(byLocation[try JSONPointer(parsing: "/components/0")] == [.string("name")])
        #expect(byLocation[try JSONPointer(parsing: "/components/1")] == [.string("object")])
        #expect(result.annotations.first?.absoluteKeywordLocation == Schema.defaultURI + "#/properties/correlator/discloses")

        #expect(throws: SchemaError.self) { try compile(##"{"discloses": 3}"##, options: options) }
        do {
            _ = try compile(##"{"properties": {"a": {"discloses": 3}}}"##, options: options)
            Issue.record("a bad custom keyword value compiled")
        } catch let error as SchemaError {
            #expect(error.location == Schema.defaultURI + "#/properties/a/discloses")
        }
    }

    @Test func customKeywordCanAssert() throws {
        struct EvenLength: CustomKeyword {
            func evaluate(_ instance: JSONValue) -> KeywordOutcome {
                guard let text = instance.stringValue else { return .valid }
                return text.unicodeScalars.count % 2 == 0 ? .valid : .invalid("odd length")
            }
        }
        let vocabulary = Vocabulary(uri: "https://example.com/vocab/even", keywords: ["evenLength"]) { _ in EvenLength() }
        let schema = try compile(##"{"evenLength": true}"##, options: CompileOptions(vocabularies: [vocabulary]))
        #expect(schema.isValid(.string("ab")))
        #expect(schema.validate(.string("abc")).errors.first?.error == "odd length")
    }

    @Test func unknownKeywordsAreAnnotationsNotErrors() throws {
        let schema = try compile(##"{"x-note": {"any": "thing"}, "type": "object"}"##)
        let result = schema.annotations(of: ["x-note"], for: .object(JSONObject()))
        #expect(result.annotations.map(\.value) == [try JSONValue.parse(##"{"any": "thing"}"##)])
    }

    @Test func schemasAreSharedSafelyAcrossThreads() async throws {
        let schema = try compile(
            ##"{"type": "object", "properties": {"id": {"pattern": "^[0-9a-f]{8}$"}, "n": {"multipleOf": 3}}, "required": ["id"]}"##)
        let valid = try JSONValue.parse(##"{"id": "0123abcd", "n": 9}"##)
        let invalid = try JSONValue.parse(##"{"id": "nope", "n": 9}"##)
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for _ in 0..<2_000 {
                        if !schema.isValid(valid) { wrong += 1 }
                        if schema.isValid(invalid) { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    @Test func theMetaSchemaValidatesSchemas() throws {
        #expect(Schema.metaSchema.isValid(try JSONValue.parse(##"{"type": "string", "minLength": 1}"##)))
        let bad = Schema.metaSchema.validate(try JSONValue.parse(##"{"minLength": -1}"##))
        #expect(!bad.isValid)
        #expect(bad.bestMatch?.instanceLocation.description == "/minLength")
    }

    @Test func resourceMappingServesFoldersAndNeverTheNetwork() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("schema-resources-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try ##"{"type": "integer"}"##.write(to: folder.appendingPathComponent("int.json"), atomically: true, encoding: .utf8)
        var resources = ResourceMap()
        resources.map("https://schemas.example.com/", to: folder.path)
        let schema = try compile(
            ##"{"$ref": "https://schemas.example.com/int.json"}"##, options: CompileOptions(resources: resources))
        #expect(schema.isValid(.integer(3)))
        #expect(!schema.isValid(.string("3")))
        #expect(throws: SchemaError.self) {
            try compile(##"{"$ref": "https://schemas.example.com/missing.json"}"##, options: CompileOptions(resources: resources))
        }
        #expect(throws: ResourceMapError.self) { try ResourceMap.parseMapping("relative=/tmp") }
        #expect(try ResourceMap.parseMapping("https://a.example/=/tmp/x") == ResourceMap.Mapping(uri: "https://a.example/", path: "/tmp/x"))
    }
}
