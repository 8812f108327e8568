import AuditInputs
import AuditModel

/// The one-line form of a finding on the terminal while the collector listens.
///
/// `record 3 from 127.0.0.1:53211: error level.config-disclosed at /components: ...`: the record number is the
/// journal's and the report's locator, so a line leads to the full entry in the report.
public enum LiveLine {
    public static func finding(_ finding: Finding, sender: JournalSender?) -> String {
        var place = finding.locator.map { "\($0)" } ?? "journal"
        if let sender { place += " from \(sender)" }
        let pointer = finding.pointer.description.isEmpty ? "" : " at \(finding.pointer.description)"
        return "\(place): \(finding.severity.rawValue) \(finding.rule)\(pointer): \(finding.message)"
    }
}
