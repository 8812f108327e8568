import Foundation
import JSONCore
import JSONSchema
import TestSupport

/// Validates a JSON document against a JSON Schema file, for the SARIF test. Two validators take part: the
/// project's own engine (module `JSONSchema`), always, and the reference implementation python-jsonschema
/// when it is installed; the SARIF document must satisfy both.
protocol SchemaValidating: Sendable {
    /// Names the validator in failures.
    var name: String { get }
    /// Every validation error as `instancePath: message`, empty when valid. Throws when the validator
    /// itself could not run.
    func errors(validating instance: String, against schema: URL) throws -> [String]
}

enum SchemaValidators {
    /// python-jsonschema, or `nil` when it is not installed (its tests then say why they skip).
    static let sarif: (any SchemaValidating)? = PythonJSONSchema.isAvailable ? PythonJSONSchema() : nil
    /// The in-house engine: needs nothing outside the package.
    static let inHouse: any SchemaValidating = InHouseJSONSchema()
}

/// The project's draft 2020-12 engine on a draft-04 schema. The SARIF schema reads the same under both
/// drafts: it uses only keywords whose meaning did not change (`type`, `properties`, `items` with one
/// schema, `required`, `enum`, `anyOf`, `minimum`, `pattern`...), its `$ref`s point into `definitions` by
/// JSON pointer and have no sibling that draft-04 would ignore, and draft-04's `id` is not an identifier
/// in 2020-12. So its `$schema` is replaced by 2020-12's and it is compiled as it is.
struct InHouseJSONSchema: SchemaValidating {
    var name: String { "usage-audit JSONSchema" }

    func errors(validating instance: String, against schemaFile: URL) throws -> [String] {
        let data = try Data(contentsOf: schemaFile)
        guard case .object(var document) = try JSONValue.parse(Array(data)) else {
            throw ValidatorFailure(description: "\(schemaFile.path) is not a JSON object")
        }
        document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        document["id"] = nil
        let schema = try Schema(
            compiling: .object(document), uri: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-schema")
        return schema.validate(try JSONValue.parse(instance)).errors.map {
            "\($0.instanceLocation): \($0.error) (\($0.keywordLocation))"
        }
    }
}

/// python3 with the `jsonschema` package, run as a subprocess. Checks the formats it knows too.
struct PythonJSONSchema: SchemaValidating {
    var name: String { "python-jsonschema" }

    static let isAvailable: Bool = (try? run(["-c", "import jsonschema"]).status) == 0

    private static let script = """
        import json, sys
        from jsonschema import validators
        schema = json.load(open(sys.argv[1], encoding="utf-8"))
        instance = json.load(sys.stdin)
        cls = validators.validator_for(schema)
        cls.check_schema(schema)
        validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
            print("/" + "/".join(map(str, error.absolute_path)) + ": " + error.message.replace("\\n", " "))
        """

    func errors(validating instance: String, against schema: URL) throws -> [String] {
        let result = try Self.run(["-c", Self.script, schema.path], stdin: Data(instance.utf8))
        guard result.status == 0 else {
            throw ValidatorFailure(
                description: "python-jsonschema exited with \(result.status): \(result.stderr)\(result.stdout)")
        }
        return result.stdout.split(separator: "\n").map(String.init)
    }

    private static func run(_ arguments: [String], stdin: Data? = nil) throws -> ProcessResult {
        try ProcessRunner.run("python3", arguments, stdin: stdin)
    }
}

struct ValidatorFailure: Error, CustomStringConvertible {
    var description: String
}
