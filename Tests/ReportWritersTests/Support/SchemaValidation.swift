import Foundation

/// Validates a JSON document against a JSON Schema file, for the SARIF test. The SARIF schema is draft-04,
/// which the project's own engine (module `JSONSchema`, draft 2020-12) does not target yet, so today the
/// reference implementation, python-jsonschema, does it. To switch, add a conformance that runs the in-house
/// engine and return it from `SchemaValidators.sarif`; the tests stay as they are.
protocol SchemaValidating: Sendable {
    /// Names the validator in failures.
    var name: String { get }
    /// Every validation error as `instancePath: message`, empty when valid. Throws when the validator
    /// itself could not run.
    func errors(validating instance: String, against schema: URL) throws -> [String]
}

enum SchemaValidators {
    /// The validator the SARIF test uses, or `nil` when none is installed (the test then says why it skips).
    static let sarif: (any SchemaValidating)? = PythonJSONSchema.isAvailable ? PythonJSONSchema() : nil
}

/// python3 with the `jsonschema` package, run as a subprocess. Checks the formats it knows too.
struct PythonJSONSchema: SchemaValidating {
    var name: String { "python-jsonschema" }

    static let isAvailable: Bool = (try? run(["-c", "import jsonschema"]).status) == 0

    private static let script = """
        import json, sys
        from jsonschema import validators
        schema = json.load(open(sys.argv[1], encoding="utf-8"))
        instance = json.load(open(sys.argv[2], encoding="utf-8"))
        cls = validators.validator_for(schema)
        cls.check_schema(schema)
        validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
            print("/" + "/".join(map(str, error.absolute_path)) + ": " + error.message.replace("\\n", " "))
        """

    func errors(validating instance: String, against schema: URL) throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("usage-audit-\(UUID().uuidString).json")
        try Data(instance.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Self.run(["-c", Self.script, schema.path, file.path])
        guard result.status == 0 else {
            throw ValidatorFailure(description: "python-jsonschema exited with \(result.status): \(result.output)")
        }
        return result.output.split(separator: "\n").map(String.init)
    }

    private static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

struct ValidatorFailure: Error, CustomStringConvertible {
    var description: String
}
