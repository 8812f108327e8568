import AuditModel

/// `collector.dropped`: datagrams the kernel discarded before `listen` could journal them.
public struct CollectorDroppedRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "collector.dropped", defaultSeverity: .error,
        summary: "the kernel dropped datagrams sent to the collector before it could read them",
        help: "The collector's receive queue was full, so the kernel discarded some datagrams: they were never "
            + "journaled or checked, and any leak they held is unknown. The run cannot vouch for the client. "
            + "Send at a lower rate, or let the collector reserve a larger buffer (as root, or after raising "
            + "net.core.rmem_max), and run again.",
        levels: "any", generations: "all",
        example: "listen received a burst of 100,000 datagrams faster than it could read them",
        fix: "Send at a lower rate, or let listen reserve a larger buffer (as root, or after raising "
            + "net.core.rmem_max), and run again.")

    static func message(count: Int, receiveBufferBytes: Int?) -> String {
        let buffer = receiveBufferBytes.map { " (receive buffer \(byteCount($0)))" } ?? ""
        let what = count == 1 ? "1 datagram" : "\(count) datagrams"
        return "the kernel dropped \(what) sent to the collector because its receive queue was full\(buffer): "
            + "never journaled nor checked, so this audit cannot vouch for them"
    }

    /// `512 KiB`, `8 MiB`: sizes for people.
    private static func byteCount(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
