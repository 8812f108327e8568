import ArgumentParser
import AuditInputs
import AuditRules

/// `usage-audit check`: audits the messages in captures, logs, wire and NDJSON files, or journals.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Audit usage-tracking messages: captures, parsl.log files, wire or NDJSON lines, journals.",
        discussion:
            "Exit status: 0 nothing at or above --fail-on, 1 findings at or above it, 2 bad usage or an unreadable input."
    )

    @Argument(
        help: """
            Inputs: files, folders (walked; files that are not usage inputs are listed as skipped), or '-' for \
            standard input. Their kind is detected from their content, through gzip.
            """)
    var inputs: [String]

    @Option(
        name: .customLong("input-type"),
        help: "Force the input kind: \(InputKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var inputType: String?

    @Option(help: "UDP port of usage messages in captures.")
    var port: UInt16 = 50077

    @Option(help: ArgumentHelp("Threads auditing records (0: one per processor).", valueName: "N"))
    var threads: Int = 0

    @Option(
        name: .customLong("max-sessions"),
        help:
            "Open sessions remembered at once (their memory); beyond it the oldest is forgotten, and reported if it still awaited its end."
    )
    var maxSessions: Int = CheckConfiguration().sessionCapacity

    @OptionGroup var checks: CheckerArguments

    @OptionGroup var report: ReportArguments

    func validate() throws {
        if let inputType, InputKind(argument: inputType) == nil {
            throw ValidationError(
                "--input-type must be one of \(InputKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard maxSessions > 0 else { throw ValidationError("--max-sessions must be at least 1 (got \(maxSessions))") }
        guard !inputs.isEmpty else {
            throw ValidationError("give at least one input (a file, or '-' for standard input)")
        }
    }

    func run() throws {
        let checker: Checker
        do {
            checker = try Checker(
                configuration: checks.configuration(sessionCapacity: maxSessions), schemasDirectory: checks.schemas)
        } catch {
            printError("usage-audit: schemas: \(error)")
            throw ExitCode(2)
        }
        var run = AuditRun(inputKind: inputType.flatMap(InputKind.init(argument:)), port: port, threads: threads)
        run.minimumMessages = checks.minimumMessages
        run.keepPayloads = try report.targets().contains { $0.format == .html }
        let result = run.run(inputs, checker: checker)
        for note in result.spoolNotes { printError("usage-audit: note: \(note)") }
        for input in result.inputs where input.readError != nil {
            printError("usage-audit: \(input.source): \(input.readError!)")
        }
        let status = try report.write(result)
        if status != 0 { throw ExitCode(status) }
    }
}
