import AuditModel
import Foundation

/// The entry point: one report, rendered in any format, or written to a target. With `redact`, every
/// writer renders the redacted copy of the report (see `Redactor`), so no format can forget a field.
public enum ReportWriter {
    public static func render(_ report: AuditReport, format: ReportFormat, options: ReportOptions = .init()) -> String {
        let shown = options.redact ? Redactor(report: report).redacted(report) : report
        switch format {
        case .text: return TextReport(report: shown, options: options).render()
        case .json: return JSONReport(report: shown).render()
        case .sarif:
            return SARIFReport(report: shown, options: options, fingerprints: Fingerprint.compute(report)).render()
        case .junit: return JUnitReport(report: shown, options: options).render()
        case .markdown: return MarkdownReport(report: shown, options: options).render()
        case .html: return HTMLReport(report: shown, options: options).render()
        }
    }

    /// Renders and writes one report: to standard output for `-`, else to the file, replaced atomically so
    /// a reader never sees half a report.
    public static func write(_ report: AuditReport, to target: ReportTarget, options: ReportOptions = .init())
        throws(ReportWriteError)
    {
        let data = Data(render(report, format: target.format, options: options).utf8)
        if target.writesToStandardOutput {
            do {
                try FileHandle.standardOutput.write(contentsOf: data)
            } catch {
                throw ReportWriteError(
                    target: target, reason: "cannot write to standard output: \(error.localizedDescription)")
            }
            return
        }
        do {
            try data.write(to: URL(fileURLWithPath: target.path), options: .atomic)
        } catch {
            throw ReportWriteError(target: target, reason: "cannot write \(target.path): \(Self.reason(error))")
        }
    }

    /// The system's own words when there are some (`No such file or directory`), not Foundation's wrapper.
    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain, let message = strerror(Int32(underlying.code))
        {
            return String(cString: message)
        }
        if nsError.domain == NSPOSIXErrorDomain, let message = strerror(Int32(nsError.code)) {
            return String(cString: message)
        }
        return nsError.localizedDescription
    }
}

/// A report that could not be written: which one, and why.
public struct ReportWriteError: Error, Sendable, CustomStringConvertible {
    public var target: ReportTarget
    public var reason: String
    public var description: String { "\(target.format.rawValue) report: \(reason)" }
}
