import ArgumentParser
import JSONCore
import JSONSchema

/// `usage-audit validate`: general JSON Schema draft 2020-12 validation. Wiring only; the work is in
/// `JSONSchema.InstanceValidation`.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate JSON instances against a JSON Schema (draft 2020-12).",
        discussion: """
            Exit status: 0 all instances valid, 1 some invalid, 2 bad schema or usage. No network access: \
            $ref targets are the embedded draft 2020-12 meta-schemas, files beside the schema, or --resource \
            mappings.
            """)

    @Option(help: "The schema file.")
    var schema: String

    @Option(
        name: .customLong("resource"),
        help: ArgumentHelp("Map a URI to a file, or (with a trailing /) a URI prefix to a folder.", valueName: "URI=PATH"))
    var resources: [String] = []

    @Flag(help: "Make 'format' an assertion (date-time, email, ipv4, uri, uuid...).")
    var formatAssertion = false

    @Flag(help: "Each INSTANCE file holds one JSON value per line.")
    var ndjson = false

    @Option(help: "text or json.")
    var format: String = "text"

    @Argument(help: "JSON instance files ('-' for standard input).")
    var instances: [String]

    func validate() throws {
        guard ["text", "json"].contains(format.lowercased()) else { throw ValidationError("--format must be text or json") }
        guard !instances.isEmpty else { throw ValidationError("give at least one INSTANCE") }
    }

    func run() throws {
        let results: [InstanceValidation.Result]
        do {
            let mappings = try resources.map { argument throws in try ResourceMap.parseMapping(argument) }
            let compiled = try InstanceValidation.loadSchema(
                path: schema, resources: mappings, formatAssertion: formatAssertion)
            results = try InstanceValidation.validate(files: instances, ndjson: ndjson, against: compiled)
        } catch {
            printError("usage-audit validate: \(error)")
            throw ExitCode(2)
        }
        if format.lowercased() == "json" {
            print(InstanceValidation.json(results).serialized(.init(sortKeys: false)))
        } else {
            print(InstanceValidation.text(results), terminator: "")
        }
        let status = InstanceValidation.exitStatus(results)
        if status != 0 { throw ExitCode(status) }
    }
}
