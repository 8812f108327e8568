import AuditModel
import Crypto

/// A finding's `fingerprint` (the JSON report's, and SARIF's `partialFingerprints`): lets `--baseline` and
/// code scanning recognise a finding as the same one in the next run. `ReportPreparation` computes it, once
/// per finding, for every format.
///
/// A finding is "the same" when the same rule fires on the same input at the same place in the same kind of
/// message, about the same values. What changes between two runs of the same workflow is left out: the
/// correlator (a fresh UUID every run), the frame or line number (another capture shifts it), the level
/// and the message text (which may quote times). The values are taken in their masked form and the input
/// name and pointer through the same redaction, so the fingerprint is identical with and without
/// `--redact` and is not derived from any raw personal value.
///
/// Like GitHub's own `primaryLocationLineHash`, a `:N` suffix counts repeats of one identity within the
/// run, so that a leak repeated in every message stays one result per message.
enum Fingerprint {
    static let key = "usageAudit/v1"
}

/// Computes `Fingerprint`s finding after finding, in report order. It keeps one counter per distinct
/// identity (for the `:N` suffix), never one per finding.
struct Fingerprinter {
    /// Built from the unredacted report: masks come from every finding's sensitive values.
    let redactor: Redactor
    private var seen: [String: Int] = [:]

    init(redactor: Redactor) { self.redactor = redactor }

    /// The fingerprint of the next finding of the unredacted report, given the kind of the message it points
    /// at (`nil` when the report lists none).
    mutating func next(_ finding: Finding, messageKind: MessageKind?) -> String {
        let kind = messageKind?.rawValue ?? (finding.locator == nil ? "input" : "")
        let masked = Set(finding.sensitiveValues.map(redactor.redact)).sorted()
        let identity =
            [finding.rule, redactor.redact(finding.source), kind, redactor.redact(finding.pointer).description]
            + masked
        let digest = SHA256.hash(data: Array(identity.joined(separator: "\u{0}").utf8))
        let hash = String(
            digest.reduce(into: "") { $0 += String($1 >> 4, radix: 16) + String($1 & 0x0F, radix: 16) }.prefix(32))
        let occurrence = (seen[hash] ?? 0) + 1
        seen[hash] = occurrence
        return "\(hash):\(occurrence)"
    }
}
