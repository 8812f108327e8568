import AuditModel
import Crypto
import JSONCore

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
///
/// A report may hold a million findings, so the identity is assembled as bytes in one reused buffer and the
/// hash printed through a table; the redacted forms of sources and pointers, which repeat across nearly
/// every finding, are remembered (up to `rememberedForms` of each, then forgotten and worked out again).
struct Fingerprinter {
    /// Built from the unredacted report: masks come from every finding's sensitive values.
    let redactor: Redactor
    private var seen: [String: Int] = [:]
    private var redactedSources: [String: [UInt8]] = [:]
    private var redactedPointers: [JSONPointer: [UInt8]] = [:]
    private var identity: [UInt8] = []
    static let rememberedForms = 4096

    init(redactor: Redactor) { self.redactor = redactor }

    /// The fingerprint of the next finding of the unredacted report, given the kind of the message it points
    /// at (`nil` when the report lists none).
    mutating func next(_ finding: Finding, messageKind: MessageKind?) -> String {
        let kind = messageKind?.rawValue ?? (finding.locator == nil ? "input" : "")
        // The identity: rule, redacted source, message kind, redacted pointer and the distinct masked values
        // in order, separated by NUL.
        identity.removeAll(keepingCapacity: true)
        identity.append(contentsOf: finding.rule.utf8)
        identity.append(0)
        identity.append(contentsOf: redactedSource(finding.source))
        identity.append(0)
        identity.append(contentsOf: kind.utf8)
        identity.append(0)
        identity.append(contentsOf: redactedPointer(finding.pointer))
        switch finding.sensitiveValues.count {
        case 0: break
        case 1:
            identity.append(0)
            identity.append(contentsOf: redactor.redact(finding.sensitiveValues[0]).utf8)
        default:
            for value in Set(finding.sensitiveValues.map(redactor.redact)).sorted() {
                identity.append(0)
                identity.append(contentsOf: value.utf8)
            }
        }
        let hash = Self.hex(SHA256.hash(data: identity), digits: 32)
        let occurrence = (seen[hash] ?? 0) + 1
        seen[hash] = occurrence
        return hash + ":" + String(occurrence)
    }

    private mutating func redactedSource(_ source: String) -> [UInt8] {
        if let known = redactedSources[source] { return known }
        if redactedSources.count >= Self.rememberedForms { redactedSources.removeAll(keepingCapacity: true) }
        let form = Array(redactor.redact(source).utf8)
        redactedSources[source] = form
        return form
    }

    private mutating func redactedPointer(_ pointer: JSONPointer) -> [UInt8] {
        if let known = redactedPointers[pointer] { return known }
        if redactedPointers.count >= Self.rememberedForms { redactedPointers.removeAll(keepingCapacity: true) }
        let form = Array(redactor.redact(pointer).description.utf8)
        redactedPointers[pointer] = form
        return form
    }

    /// The first `digits` lowercase hexadecimal digits of `digest`.
    static func hex(_ digest: some Sequence<UInt8>, digits: Int) -> String {
        let alphabet = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(digits)
        for byte in digest where text.count < digits {
            text.append(alphabet[Int(byte >> 4)])
            if text.count < digits { text.append(alphabet[Int(byte & 0x0F)]) }
        }
        return String(decoding: text, as: UTF8.self)
    }
}
