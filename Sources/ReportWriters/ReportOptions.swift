import AuditModel
import Storage

/// How to render a report; the same for every format, each writer uses what concerns it.
public struct ReportOptions: Sendable {
    /// Mask every `Finding.sensitiveValues` occurrence (`--redact`), so the report does not spread the leak.
    public var redact: Bool
    /// ANSI colour in the text report. The CLI sets it only when standard output is a terminal and the
    /// report goes there: colour codes in a file or a pipe are noise.
    public var color: Bool
    /// `--fail-on`: the text, Markdown and HTML verdicts and JUnit failures follow it.
    public var failOn: FailThreshold
    /// `tool.driver.informationUri` in SARIF: where a code-scanning user learns what the tool checks.
    public var informationURI: String
    /// Where writers that sort (text, SARIF, JUnit, HTML) spool what does not fit in memory.
    public var spool: SpoolConfiguration
    /// The text report shows only its summary and result lines (`check --quiet`).
    public var summaryOnly = false

    /// The page that documents what the audited messages carry. A project home page, once there is one,
    /// belongs here instead.
    public static let defaultInformationURI = "https://parsl.readthedocs.io/en/stable/userguide/usage_tracking.html"

    public init(
        redact: Bool = false, color: Bool = false, failOn: FailThreshold = .error,
        informationURI: String = ReportOptions.defaultInformationURI, spool: SpoolConfiguration = .init()
    ) {
        self.spool = spool
        self.redact = redact
        self.color = color
        self.failOn = failOn
        self.informationURI = informationURI
    }
}
