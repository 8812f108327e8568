import AuditModel

/// `collector.dropped`: datagrams the kernel discarded before `listen` could journal them.
public struct CollectorDroppedRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "collector.dropped", defaultSeverity: .error,
        summary: "the kernel dropped datagrams sent to the collector before it could read them",
        help: "The collector's receive queue was full, so the kernel discarded some datagrams: they were never "
            + "journaled or checked, and any leak they held is unknown. The run cannot vouch for the client. "
            + "Send at a lower rate, or let the collector reserve a larger buffer (as root, or after raising "
            + "net.core.rmem_max), and run again.")
}
