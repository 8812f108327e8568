import AuditModel
import Foundation
import Storage
import SystemPackage

/// The entry point: one report, rendered in any format, or written to a target. A report that has not been
/// through `ReportPreparation` is prepared first, so every format has fingerprints and regions. With
/// `redact`, every writer renders the redacted copy of the report (see `Redactor`), so no format can forget
/// a field.
///
/// Writers stream: they write into a `ReportOutput` as they read the report's (possibly spooled) messages
/// and findings, and keep only what is bounded by the number of inputs, rules and distinct values, so
/// memory stays flat however large the report.
public enum ReportWriter {
    /// The whole report as one string (tests, and small reports).
    public static func render(_ report: AuditReport, format: ReportFormat, options: ReportOptions = .init()) -> String {
        var out = ReportOutput()
        render(report, format: format, options: options, to: &out, scratch: ScratchSpools(configuration: options.spool))
        return out.text
    }

    /// Renders `report` into `out`, prepared first if it was not; returns the report it rendered (whose
    /// stores say whether they could be read back).
    @discardableResult
    static func render(
        _ report: AuditReport, format: ReportFormat, options: ReportOptions, to out: inout ReportOutput,
        scratch: ScratchSpools
    ) -> AuditReport {
        if format == .json, !report.fingerprinted, !options.redact {
            if report.findings.tally.unpaired == 0, report.findings.recordRuns() != nil {
                // Preparation without suppressions, of findings that each say which message they are about,
                // adds only their fingerprints: the writer works them out itself as it writes the findings,
                // on two threads (`RunRendering`). The report it read is the one whose stores say whether
                // they could be read back.
                JSONReport(report: report, fingerprintsWhileWriting: true).render(to: &out)
                out.flush()
                return report
            }
            // The JSON report lists the messages before the findings, and preparing a report without
            // suppressions changes only its findings: the messages are written while the findings are
            // prepared on another thread.
            let preparation = ReportPreparation.InFlight(report, spool: options.spool)
            JSONReport(report: report, preparation: preparation).render(to: &out)
            out.flush()
            return preparation.prepared
        }
        // Preparation without suppressions (with them, the CLI prepares the report itself) adds fingerprints
        // and regions, and clears baseline marks: a format that shows neither, given findings without a
        // mark, would get nothing from it but the time it takes (a tenth of the text report).
        let preparing = !report.fingerprinted && (format.showsFingerprints || report.findings.tally.baselined > 0)
        let report = preparing ? ReportPreparation.prepare(report, spool: options.spool) : report
        let shown = options.redact ? Redactor(report: report).redacted(report) : report
        switch format {
        case .text: TextReport(report: shown, options: options).render(to: &out, scratch: scratch)
        case .json: JSONReport(report: shown).render(to: &out)
        case .sarif: SARIFReport(report: shown, options: options, scratch: scratch).render(to: &out)
        case .junit: JUnitReport(report: shown, options: options).render(to: &out, scratch: scratch)
        case .markdown: MarkdownReport(report: shown, options: options).render(to: &out)
        case .html: HTMLReport(report: shown, options: options).render(to: &out, scratch: scratch)
        case .github: GitHubReport(report: shown).render(to: &out)
        }
        out.flush()
        return report
    }

    /// Renders and writes one report: to standard output for `-`, else to the file, replaced atomically so
    /// a reader never sees half a report. The text goes out through a 64 KiB buffer as it is rendered.
    public static func write(_ report: AuditReport, to target: ReportTarget, options: ReportOptions = .init())
        throws(ReportWriteError)
    {
        let scratch = ScratchSpools(configuration: options.spool)
        func failure(of out: ReportOutput, _ rendered: AuditReport) -> String? {
            if let error = rendered.readFailure ?? scratch.readFailure { return error.description }
            return out.failure
        }
        if target.writesToStandardOutput {
            var out = ReportOutput(descriptor: 1)
            let rendered = render(report, format: target.format, options: options, to: &out, scratch: scratch)
            if let reason = failure(of: out, rendered) {
                throw ReportWriteError(target: target, reason: "cannot write to standard output: \(reason)")
            }
            return
        }
        // A device or a pipe (`--output /dev/null`, a FIFO) is written in place: renaming a file over it would
        // replace the device itself.
        if FileSystem.isSpecialFile(target.path) {
            let descriptor: FileDescriptor
            do {
                descriptor = try FileDescriptor.open(FilePath(target.path), .writeOnly)
            } catch {
                throw ReportWriteError(target: target, reason: "cannot write \(target.path): \(error)")
            }
            var out = ReportOutput(descriptor: descriptor.rawValue)
            let rendered = render(report, format: target.format, options: options, to: &out, scratch: scratch)
            let reason = failure(of: out, rendered)
            try? descriptor.close()
            if let reason { throw ReportWriteError(target: target, reason: "cannot write \(target.path): \(reason)") }
            return
        }
        let file: ReplacingFile
        do {
            file = try ReplacingFile(path: target.path, label: "usage-audit-")
        } catch {
            throw ReportWriteError(target: target, reason: "cannot write \(target.path): \(error.reason)")
        }
        var out = ReportOutput(descriptor: file.descriptor!.rawValue)
        let rendered = render(report, format: target.format, options: options, to: &out, scratch: scratch)
        if let reason = failure(of: out, rendered) {
            file.abandon()
            throw ReportWriteError(target: target, reason: "cannot write \(target.path): \(reason)")
        }
        do {
            try file.commit()
        } catch {
            throw ReportWriteError(target: target, reason: "cannot write \(target.path): \(error.reason)")
        }
    }
}

/// A report that could not be written: which one, and why.
public struct ReportWriteError: Error, Sendable, CustomStringConvertible {
    public var target: ReportTarget
    public var reason: String
    public var description: String { "\(target.format.rawValue) report: \(reason)" }
}
