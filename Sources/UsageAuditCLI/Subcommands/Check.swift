import ArgumentParser
import AuditInputs
import AuditRules

/// `usage-audit check`: audits the messages in captures, logs, wire and NDJSON files, or journals.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Named, not derived from the type: deriving it costs `String(describing:)` of the type, a scan of the
        // binary's conformances, for each command at every start (13 million instructions for all of them).
        commandName: "check",
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
        help: "Force the input kind instead of detecting it from the content.")
    var inputType: InputKind?

    @Option(help: "UDP port of usage messages in captures.")
    var port: UInt16 = 50077

    @Option(help: ArgumentHelp("Threads auditing records (0: one per processor).", valueName: "N"))
    var threads: Int = 0

    @Option(
        name: .customLong("max-sessions"),
        help:
            "Open sessions remembered at once (their memory); beyond it the oldest is forgotten, and reported if it still awaited its end. An extension of the contract."
    )
    var maxSessions: Int = CheckConfiguration().sessionCapacity

    @Option(
        name: .customLong("max-held-messages"),
        help:
            "Distinct messages kept for matching later sightings of them (a capture with the logs of the same runs, several interfaces); beyond it the oldest is forgotten, counted in the JSON report's summary.forgotten_messages. Both are extensions of the contract."
    )
    var maxHeldMessages: Int = CheckConfiguration().observationCapacity

    @Flag(
        help:
            "The inputs are a capture (or journal) and the parsl.log files of the same runs: report what was logged but never seen on the wire, and what was on the wire but never logged."
    )
    var reconcile = false

    @Option(
        help:
            "A file of user and host names, one per line, to test G0's hashed uname/hname against: a match is named in the finding (masked by --redact)."
    )
    var identities: String?

    @OptionGroup var checks: CheckerArguments

    @OptionGroup var report: ReportArguments

    @Flag(
        name: .shortAndLong,
        help:
            "A text report on standard output is only its summary and result lines (other formats and files are whole); the exit status is unchanged."
    )
    var quiet = false

    func validate() throws {
        guard maxSessions > 0 else { throw ValidationError("--max-sessions must be at least 1 (got \(maxSessions))") }
        guard maxHeldMessages > 0 else {
            throw ValidationError("--max-held-messages must be at least 1 (got \(maxHeldMessages))")
        }
        guard !inputs.isEmpty else {
            throw ValidationError("give at least one input (a file, or '-' for standard input)")
        }
    }

    func run() throws {
        let suppressions = try report.suppressions()
        var configuration = checks.configuration(sessionCapacity: maxSessions, observationCapacity: maxHeldMessages)
        configuration.reconcile = reconcile
        if let identities {
            do {
                configuration.identities = IdentityTable(text: try String(contentsOfFile: identities, encoding: .utf8))
            } catch {
                printError("usage-audit: --identities \(identities): cannot read it: \(error.localizedDescription)")
                throw ExitCode(2)
            }
        }
        let checker: Checker
        do {
            checker = try Checker(configuration: configuration, schemasDirectory: checks.schemas)
        } catch {
            printError("usage-audit: schemas: \(error)")
            throw ExitCode(2)
        }
        var run = AuditRun(inputKind: inputType, port: port, threads: threads)
        run.minimumMessages = checks.minimumMessages
        let formats = try report.targets().map(\.format)
        run.keepPayloads = formats.contains { $0.payloadUse == .everyMessage }
        run.keepFindingPayloads = formats.contains { $0.payloadUse == .messagesWithFindings }
        let result = run.run(inputs, checker: checker)
        for note in result.spoolNotes { printError("usage-audit: note: \(note)") }
        if result.forgottenMessages > 0 {
            printError(
                "usage-audit: note: \(result.forgottenMessages) messages were forgotten before the run ended "
                    + "(--max-held-messages \(maxHeldMessages)): a later sighting of one counted as a new message")
        }
        for input in result.inputs where input.readError != nil {
            printError("usage-audit: \(input.source): \(input.readError!)")
        }
        let status = try report.write(result, suppressions: suppressions, quiet: quiet)
        if status != 0 { throw ExitCode(status) }
    }
}
