import AuditModel

/// `capture.truncated`: the capture's snap length cut the datagram.
public struct CaptureTruncatedRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "capture.truncated", defaultSeverity: .error,
        summary: "the capture's snap length cut the datagram",
        help: "The capture kept only the first bytes of this datagram, so its message cannot be checked. Capture "
            + "again with a larger snap length (tcpdump -s 0).")
}
