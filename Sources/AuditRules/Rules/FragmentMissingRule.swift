import AuditModel

/// `capture.fragment-missing`: an IP datagram whose fragments never all arrived.
public struct FragmentMissingRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "capture.fragment-missing", defaultSeverity: .error,
        summary: "an IPv4 datagram whose fragments never all arrived",
        help: "The datagram was fragmented and not every fragment is in the capture, so it cannot be reassembled "
            + "and its message cannot be checked. The collector lost it too: oversize messages are fragile.")
}
