import AuditInputs
import AuditModel

/// The one-line form of a finding on the terminal while the collector listens.
///
/// `record 3 from 127.0.0.1:53211 at 2026-11-20T10:00:03.000000Z: error level.config-disclosed at /components:
/// ...`: the record number is the journal's and the report's locator, so a line leads to the full entry in the
/// report; the sender and receive time are the finding's network evidence.
public enum LiveLine {
    public static func finding(_ finding: Finding) -> String {
        var place = finding.locator.map { "\($0)" } ?? "journal"
        if let network = finding.network { place += " from \(network.from) at \(network.time)" }
        let pointer = finding.pointer.description.isEmpty ? "" : " at \(finding.pointer.description)"
        return "\(place): \(finding.severity.rawValue) \(finding.rule)\(pointer): \(finding.message)"
    }
}
