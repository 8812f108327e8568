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

    @Argument(help: "Inputs: file paths, or '-' for standard input. Their kind is detected from their content.")
    var inputs: [String]

    @Option(
        help: "The level the client was configured with: auto, 1, 2 or 3 (0: tracking off, so no message may appear).")
    var level: String = "auto"

    @Option(
        name: .customLong("input-type"),
        help: "Force the input kind: \(InputKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var inputType: String?

    @Option(help: "UDP port of usage messages in captures.")
    var port: UInt16 = 50077

    @Option(help: "Use the schemas in this folder instead of the embedded ones.")
    var schemas: String?

    @Option(
        name: .customLong("allow-namespace"),
        help: "A component namespace that is not the user's own code (repeatable; parsl. is always allowed).")
    var allowedNamespaces: [String] = []

    @Option(help: "Threads auditing records (default: one per processor).")
    var threads: Int = 0

    @Option(
        name: .customLong("max-sessions"),
        help:
            "Open sessions remembered at once (their memory); beyond it the oldest is forgotten, and reported if it still awaited its end."
    )
    var maxSessions: Int = CheckConfiguration().sessionCapacity

    @OptionGroup var report: ReportArguments

    func validate() throws {
        guard LevelSetting(argument: level) != nil else {
            throw ValidationError("--level must be auto, 0, 1, 2 or 3 (got '\(level)')")
        }
        if let inputType, InputKind(rawValue: inputType) == nil {
            throw ValidationError(
                "--input-type must be one of \(InputKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard maxSessions > 0 else { throw ValidationError("--max-sessions must be at least 1 (got \(maxSessions))") }
        guard !inputs.isEmpty else {
            throw ValidationError("give at least one input (a file, or '-' for standard input)")
        }
    }

    func run() throws {
        let configuration = CheckConfiguration(
            level: LevelSetting(argument: level) ?? .auto, allowedNamespaces: ["parsl."] + allowedNamespaces,
            sessionCapacity: maxSessions)
        let checker: Checker
        do {
            checker = try Checker(configuration: configuration, schemasDirectory: schemas)
        } catch {
            printError("usage-audit: schemas: \(error)")
            throw ExitCode(2)
        }
        var run = AuditRun(inputKind: inputType.flatMap(InputKind.init(rawValue:)), port: port, threads: threads)
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
