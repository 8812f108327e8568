import ArgumentParser
import AuditRules
import AuditTooling
import JSONCore
import JSONSchema
import SystemPackage

/// `usage-audit validate`: general JSON Schema draft 2020-12 validation. Wiring and the exit status; the
/// work is in `AuditTooling.InstanceValidation`, which writes each result to standard output as it is made.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate JSON instances against a JSON Schema (draft 2020-12).",
        discussion: """
            Exit status: 0 all instances valid, 1 some invalid, 2 bad schema or usage, or an instance file \
            that could not be read. No network access: $ref targets are the embedded draft 2020-12 \
            meta-schemas, files beside the schema, or --resource mappings.
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

    @Option(help: "How the results are printed.")
    var format: ValidationReport.Format = .text

    @Option(help: ArgumentHelp("Threads validating NDJSON lines (0: one per processor).", valueName: "N"))
    var threads: Int = 0

    @Argument(help: "JSON instance files ('-' for standard input), plain or gzip-compressed.")
    var instances: [String]

    func validate() throws {
        guard !instances.isEmpty else { throw ValidationError("give at least one INSTANCE") }
    }

    func run() throws {
        var validation: InstanceValidation
        do {
            let mappings = try resources.map { argument throws in try ResourceMap.parseMapping(argument) }
            let compiled = try SchemaFile.load(path: schema, resources: mappings, formatAssertion: formatAssertion)
            // A misspelt instance file stops the run before its first result, as a bad schema does.
            if let unreadable = InstanceValidation.unreadableFiles(instances).first { throw unreadable }
            validation = InstanceValidation(schema: compiled, ndjson: ndjson)
            validation.threads = threads > 0 ? threads : AuditRun.processorCount
        } catch {
            printError("usage-audit validate: \(error)")
            throw ExitCode(2)
        }
        var report = ValidationReport(format: format, descriptor: .standardOutput)
        let outcome = validation.run(files: instances, into: &report) { failure in
            printError("usage-audit validate: \(failure)")
        }
        if let failure = outcome.outputFailure {
            // A reader that went away (`validate ... | head`) ends the run quietly; the status still says it
            // did not finish.
            if failure != .brokenPipe { printError("usage-audit validate: cannot write the results: \(failure)") }
            throw ExitCode(2)
        }
        if !outcome.readFailures.isEmpty { throw ExitCode(2) }
        if report.invalidCount > 0 { throw ExitCode(1) }
    }
}

extension ValidationReport.Format: ExpressibleByArgument, CaseInsensitiveChoice {}
