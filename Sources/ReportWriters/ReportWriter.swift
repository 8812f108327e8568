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
    /// a reader never sees half a report. The text is written from its own storage (no second copy of a
    /// report that may run to hundreds of megabytes).
    public static func write(_ report: AuditReport, to target: ReportTarget, options: ReportOptions = .init())
        throws(ReportWriteError)
    {
        var text = render(report, format: target.format, options: options)
        let failure: String? = text.withUTF8 { bytes in
            target.writesToStandardOutput
                ? writeAll(bytes, to: 1).map { "cannot write to standard output: \($0)" }
                : replaceFile(target.path, with: bytes).map { "cannot write \(target.path): \($0)" }
        }
        if let failure { throw ReportWriteError(target: target, reason: failure) }
    }

    /// Writes every byte to a descriptor; the system's reason on failure.
    private static func writeAll(_ bytes: UnsafeBufferPointer<UInt8>, to descriptor: Int32) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += written
        }
        return nil
    }

    /// Writes a temporary file beside `path`, then renames it over `path`.
    private static func replaceFile(_ path: String, with bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let temporary = path + ".usage-audit-\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        if let failure = writeAll(bytes, to: descriptor) {
            close(descriptor)
            unlink(temporary)
            return failure
        }
        guard close(descriptor) == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return reason
        }
        return nil
    }
}

/// A report that could not be written: which one, and why.
public struct ReportWriteError: Error, Sendable, CustomStringConvertible {
    public var target: ReportTarget
    public var reason: String
    public var description: String { "\(target.format.rawValue) report: \(reason)" }
}
