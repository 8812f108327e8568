import ArgumentParser
import AuditRules
import Collector
import ReportWriters

/// `usage-audit listen`: a local UDP collector that journals, checks live, and reports at the stop.
struct Listen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Receive usage datagrams on a local UDP port: journal each one, check it live, report at the stop.",
        discussion: """
            Point a client at it by mapping the tracker's name to 127.0.0.1 for that process. Stops on SIGINT, \
            SIGTERM, --duration or --max-messages, then writes the report. Read the journal again with \
            'usage-audit check JOURNAL'. Exit status as for check: 0, 1 (findings at or above --fail-on, \
            kernel drops included), 2 (bad usage, or the journal could not be written).
            """)

    @Option(help: "Address to listen on: an IPv4 or IPv6 address.")
    var bind: String = CollectorConfiguration.defaultHost

    @Option(help: "UDP port to listen on.")
    var port: Int = CollectorConfiguration.defaultPort

    @Option(help: "The journal file to create (it must not exist, or be empty).")
    var journal: String

    @Option(help: "Stop after this many seconds.")
    var duration: Double?

    @Option(name: .customLong("max-messages"), help: "Stop once this many datagrams are journaled.")
    var maxMessages: Int?

    @Option(name: .customLong("receive-buffer"), help: "Bytes of socket receive buffer to ask the kernel for.")
    var receiveBuffer: Int = CollectorConfiguration.defaultReceiveBufferBytes

    @Option(
        name: .customLong("ready-file"),
        help: ArgumentHelp(
            "Once the socket is bound, write its address and port (127.0.0.1:50077) to this file.", valueName: "F"))
    var readyFile: String?

    @Flag(name: [.short, .long], help: "No live lines on standard error (errors still show).")
    var quiet = false

    @OptionGroup var checks: CheckerArguments

    @OptionGroup var report: ReportArguments

    func run() throws {
        let suppressions = try report.suppressions()
        let checks = self.checks.configuration()
        var configuration = CollectorConfiguration(
            host: bind, port: port, journalPath: journal, receiveBufferBytes: receiveBuffer, duration: duration,
            maxMessages: maxMessages)
        configuration.readyFile = readyFile
        configuration.minimumMessages = self.checks.minimumMessages
        configuration.reportsNoMessages = !checks.level.isDisabled
        // Standard error may be a pipe nobody reads: every line goes through a bounded queue, never waited for.
        var output = quiet ? LiveOutput.silent : LiveOutput.standardError
        if report.redact {
            output.redact = { line, finding in
                Redactor(values: finding.sensitiveValues.map { ($0, finding.rule) }).redact(line)
            }
        }
        let schemas = self.checks.schemas
        // The HTML report's disclosure matrix counts every message audited, clean ones included: their
        // content is kept (spooled with the report) only when an HTML report is written.
        let keepsEveryPayload = try report.targets().contains { $0.format.payloadUse == .everyMessage }
        let outcome: CollectorOutcome
        do {
            outcome = try Collector.listen(
                configuration: configuration,
                checker: {
                    let checker = try Checker(configuration: checks, schemasDirectory: schemas)
                    checker.keepsEveryPayload = keepsEveryPayload
                    return checker
                },
                output: output)
        } catch {
            printError("usage-audit: \(error)")
            throw ExitCode(2)
        }
        for input in outcome.report.inputs where input.readError != nil {
            LiveOutput.standardError.write("usage-audit: \(input.source): \(input.readError!)")
        }
        let status = try report.write(outcome.report, suppressions: suppressions)
        // The last lines reach standard error if it takes them soon; a stalled one does not hold up the exit.
        LiveOutput.standardError.flush(0.5)
        if status != 0 { throw ExitCode(status) }
    }
}
