import AuditModel
import AuditRules

/// The rules only the collector can apply: what happened to datagrams before they reached the journal.
public enum CollectorRules {
    /// Datagrams the kernel discarded because the socket's receive queue was full.
    public static let droppedRule = "collector.dropped"

    /// The rule's descriptor lives with the others in AuditRules, so `check` lists it in SARIF too.
    public static let dropped = CollectorDroppedRule.descriptor

    /// Every rule the collector adds to the checker's catalogue.
    public static let all = [dropped]

    /// The finding for `count` drops, about the journal as a whole.
    static func droppedFinding(count: Int, source: String, receiveBufferBytes: Int?) -> Finding {
        let buffer = receiveBufferBytes.map { " (receive buffer \(byteCount($0)))" } ?? ""
        let what = count == 1 ? "1 datagram" : "\(count) datagrams"
        return Finding(
            rule: droppedRule, severity: dropped.defaultSeverity, source: source, locator: nil,
            message: "the kernel dropped \(what) sent to the collector because its receive queue was full\(buffer): "
                + "never journaled nor checked, so this audit cannot vouch for them")
    }
}

/// `512 KiB`, `8 MiB`: sizes for people.
func byteCount(_ bytes: Int) -> String {
    if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
    return "\(bytes) bytes"
}
