import ArgumentParser
import AuditRules
import JSONCore

/// `usage-audit schemas describe|lint`.
struct SchemasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schemas", abstract: "Describe or lint the Parsl message schemas.",
        subcommands: [Describe.self, Lint.self])

    struct Describe: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "describe",
            abstract: "Print the disclosure matrix (field x message x level) derived from the schemas.")

        @Argument(help: "A schemas folder (default: the embedded schemas).")
        var directory: String?

        @Option(help: "How the matrix is printed.")
        var format: MatrixFormat = .markdown

        enum MatrixFormat: String, CaseInsensitiveChoice {
            case markdown, json
        }

        func run() throws {
            let schemas = try loadSchemas(directory)
            let matrix = DisclosureMatrixBuilder.matrix(of: schemas)
            switch format {
            case .json: print(DisclosureMatrixBuilder.json(matrix).serialized(.init(sortKeys: false)))
            case .markdown: print(DisclosureMatrixBuilder.markdown(matrix), terminator: "")
            }
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lint",
            abstract: "Validate the schemas against the draft 2020-12 meta-schema and the privacy vocabulary.")

        @Argument(help: "A schemas folder (default: the embedded schemas).")
        var directory: String?

        func run() throws {
            let schemas = try loadSchemas(directory)
            let problems = SchemaLinter.lint(schemas)
            for problem in problems { print(problem) }
            print(problems.isEmpty
                ? "\(schemas.documents.count) schemas: all valid"
                : "\(problems.count) problem(s) in \(schemas.documents.count) schemas")
            if !problems.isEmpty { throw ExitCode(1) }
        }
    }
}

private func loadSchemas(_ directory: String?) throws -> ParslSchemaSet {
    do {
        return try directory.map { path throws(SchemaSetError) in try ParslSchemaSet.load(directory: path) } ?? ParslSchemaSet.embedded()
    } catch {
        printError("usage-audit: \(error)")
        throw ExitCode(2)
    }
}
