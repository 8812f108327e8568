import ArgumentParser
import AuditInputs
import AuditModel
import AuditRules
import ReportWriters
import Storage
import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The report options `check` and `listen` share (CONTRACT: `--format`, `--output`, `--report`,
/// `--fail-on`, `--redact`, `--ignore`, `--baseline`), and `--color`.
struct ReportArguments: ParsableArguments {
    @Option(help: "Report format for --output.")
    var format: ReportFormat = .text

    @Option(help: "Where the --format report goes ('-' for standard output).")
    var output: String = "-"

    @Option(name: .customLong("report"), help: ArgumentHelp("Also write a report: FORMAT=FILE (repeatable).", valueName: "FORMAT=FILE"))
    var reports: [String] = []

    @Option(name: .customLong("fail-on"), help: "Lowest severity that makes the exit status 1 (never: none does).")
    var failOn: FailThreshold = .error

    @Flag(help: "Mask personal data and user code names in every report.")
    var redact = false

    @Option(
        name: .customLong("ignore"),
        help: ArgumentHelp("Drop this rule's findings from every report (repeatable).", valueName: "RULE"))
    var ignoredRules: [String] = []

    @Option(
        help: ArgumentHelp(
            "An earlier JSON report: findings whose fingerprint it lists are reported as baselined and do not count toward --fail-on.",
            valueName: "REPORT.json"))
    var baseline: String?

    @Option(
        help: ArgumentHelp(
            "Colour in the text report on standard output; auto: when it is a terminal and NO_COLOR is unset or empty.",
            valueName: "auto|always|never"))
    var color: ColorChoice = .auto

    enum ColorChoice: String, CaseInsensitiveChoice {
        case auto, always, never
    }

    func validate() throws {
        _ = try targets()
        for rule in ignoredRules {
            if let message = Suppressions.unknownRuleMessage(rule, catalogue: RuleCatalogue.all) {
                throw ValidationError(message)
            }
        }
    }

    /// `--ignore` and `--baseline`, the baseline read; a baseline that cannot be read is a usage error.
    func suppressions() throws -> Suppressions {
        do {
            return Suppressions(ignoredRules: Set(ignoredRules), baseline: try baseline.map(Self.loadBaseline))
        } catch {
            printError("usage-audit: \(error)")
            throw ExitCode(2)
        }
    }

    /// The baseline at `path`, read through `ByteSource`, so a gzip-compressed one is decompressed as every
    /// input is.
    private static func loadBaseline(_ path: String) throws(BaselineError) -> Baseline {
        if FileSystem.isDirectory(path) { throw BaselineError(path: path, reason: "cannot be read: is a directory") }
        let file: FileDescriptor
        do { file = try FileDescriptor.open(FilePath(path), .readOnly) } catch {
            throw BaselineError(path: path, reason: "cannot be read: \(error)")
        }
        let source = ByteSource(owning: file, name: path)
        return try Baseline.load(path: path, reading: source.read(into:)) { source.error }
    }

    /// Whether the text report on standard output is coloured: `--color`, and in `auto` a terminal with
    /// `NO_COLOR` unset or empty (https://no-color.org).
    var colorsStandardOutput: Bool {
        switch color {
        case .always: return true
        case .never: return false
        case .auto:
            let noColor = getenv("NO_COLOR").map { String(cString: $0) } ?? ""
            return isatty(1) == 1 && noColor.isEmpty
        }
    }

    /// Every report the run writes: `--format`/`--output` first, then each `--report`.
    func targets() throws -> [ReportTarget] {
        do {
            let main = ReportTarget(format: format, path: output)
            return [main] + (try reports.map { spec throws(ReportTargetError) in try ReportTarget.parse(spec) })
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Writes every report, after `--ignore` and `--baseline` (read before: `suppressions()`), and gives the
    /// run's exit status; a report that cannot be written is printed and makes it 2. With `quiet`, a text
    /// report on standard output is only its summary and result lines.
    func write(_ report: AuditReport, suppressions: Suppressions, quiet: Bool = false) throws -> Int32 {
        let spool = ReportOptions().spool
        let targets = try targets()
        // Without suppressions preparation changes no count, so the status is known before it; a single
        // report is then left to prepare the report itself (the JSON writer does it while it writes).
        let report =
            suppressions.isEmpty && targets.count == 1
            ? report : ReportPreparation.prepare(report, suppressions: suppressions, spool: spool)
        var status = ExitStatus.of(report, failOn: failOn)
        for target in targets {
            let onTerminal = target.writesToStandardOutput && target.format == .text
            var options = ReportOptions(
                redact: redact, color: onTerminal && colorsStandardOutput, failOn: failOn, spool: spool)
            options.summaryOnly = quiet && onTerminal
            do {
                try ReportWriter.write(report, to: target, options: options)
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
