import ArgumentParser
import AuditModel
import ReportWriters

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The report options `check` and `listen` share (CONTRACT: `--format`, `--output`, `--report`,
/// `--fail-on`, `--redact`).
struct ReportArguments: ParsableArguments {
    @Option(help: "Report format for --output: \(ReportFormat.names.joined(separator: ", ")).")
    var format: String = "text"

    @Option(help: "Where the --format report goes ('-' for standard output).")
    var output: String = "-"

    @Option(name: .customLong("report"), help: ArgumentHelp("Also write a report: FORMAT=FILE (repeatable).", valueName: "FORMAT=FILE"))
    var reports: [String] = []

    @Option(name: .customLong("fail-on"), help: "Lowest severity that makes the exit status 1: error, warning, note, never.")
    var failOn: String = "error"

    @Flag(help: "Mask personal data and user code names in every report.")
    var redact = false

    func validate() throws {
        _ = try targets()
        guard FailThreshold(rawValue: failOn.lowercased()) != nil else {
            throw ValidationError("--fail-on must be one of error, warning, note, never (got '\(failOn)')")
        }
    }

    var threshold: FailThreshold { FailThreshold(rawValue: failOn.lowercased()) ?? .error }

    /// Every report the run writes: `--format`/`--output` first, then each `--report`.
    func targets() throws -> [ReportTarget] {
        do {
            let main = ReportTarget(format: try ReportFormat(parsing: format), path: output)
            return [main] + (try reports.map { spec throws(ReportTargetError) in try ReportTarget.parse(spec) })
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Writes every report; failures are printed and make the exit status 2.
    func write(_ report: AuditReport) throws -> Int32 {
        var status = report.exitStatus(failOn: threshold)
        for target in try targets() {
            let color = target.writesToStandardOutput && target.format == .text && isatty(1) == 1
                && getenv("NO_COLOR") == nil
            do {
                try ReportWriter.write(report, to: target, options: ReportOptions(redact: redact, color: color, failOn: threshold))
            } catch {
                printError("usage-audit: \(error)")
                status = 2
            }
        }
        return status
    }
}

/// Writes a line to standard error (file descriptor 2, unbuffered, so it never interleaves with a report).
func printError(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
