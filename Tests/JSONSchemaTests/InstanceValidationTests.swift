import Foundation
import JSONCore
import JSONSchema
import Testing

/// The library behind `usage-audit validate`: schema loading, instance files and NDJSON, both renderings.
@Suite("usage-audit validate, as a library")
struct InstanceValidationTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func ndjsonLinesAreValidatedOneByOneWithTheirLineNumbers() throws {
        let schema = try write("s.json", ##"{"type": "object", "properties": {"level": {"$ref": "common.json#/$defs/level"}}}"##)
        _ = try write("common.json", ##"{"$defs": {"level": {"enum": [1, 2, 3]}}}"##)
        let lines = try write("m.ndjson", "{\"level\": 1}\n\n{\"level\": 7}\nnot json\n")
        let compiled = try InstanceValidation.loadSchema(path: schema, resources: [], formatAssertion: false)
        let results = try InstanceValidation.validate(files: [lines], ndjson: true, against: compiled)
        #expect(results.map(\.name) == ["\(lines):1", "\(lines):3", "\(lines):4"])
        #expect(results.map(\.isValid) == [true, false, false])
        #expect(results[1].errors.first?.instanceLocation.description == "/level")
        #expect(results[2].errors.first?.error.hasPrefix("not JSON") == true)
        #expect(InstanceValidation.exitStatus(results) == 1)

        let json = InstanceValidation.json(results)
        let first = json["results"]?.arrayValue?[1]
        #expect(first?["instance"] == .string("\(lines):3"))
        #expect(first?["valid"] == .bool(false))
        #expect(first?["errors"]?.arrayValue?.first?["keywordLocation"] == .string("/properties/level/$ref/enum"))

        let text = InstanceValidation.text(results)
        #expect(text.contains("\(lines):3: invalid: at '/level': 7 is not one of [1,2,3]"))
        #expect(text.hasSuffix("1 valid, 2 invalid\n"))
    }

    @Test func aBadSchemaNamesTheSchemaLocation() throws {
        let schema = try write("bad.json", ##"{"properties": {"a": {"minLength": "x"}}}"##)
        do {
            _ = try InstanceValidation.loadSchema(path: schema, resources: [], formatAssertion: false)
            Issue.record("a bad schema compiled")
        } catch {
            #expect("\(error)".contains("#/properties/a/minLength"), "\(error)")
        }
        #expect(throws: InstanceValidation.UsageError.self) {
            try InstanceValidation.loadSchema(path: folder.appendingPathComponent("absent.json").path, resources: [], formatAssertion: false)
        }
    }

    @Test func resourcesMapURIsAndAnUnreadableInstanceIsAUsageError() throws {
        let remote = try write("remote.json", ##"{"type": "string"}"##)
        let schema = try write("main.json", ##"{"$ref": "https://example.com/remote"}"##)
        let compiled = try InstanceValidation.loadSchema(
            path: schema, resources: [ResourceMap.Mapping(uri: "https://example.com/remote", path: remote)],
            formatAssertion: false)
        let instance = try write("i.json", ##""text""##)
        #expect(try InstanceValidation.validate(files: [instance], ndjson: false, against: compiled).allSatisfy(\.isValid))
        #expect(throws: InstanceValidation.UsageError.self) {
            try InstanceValidation.validate(files: [folder.appendingPathComponent("none.json").path], ndjson: false, against: compiled)
        }
    }
}
