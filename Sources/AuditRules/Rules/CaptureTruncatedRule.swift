import AuditModel
import CaptureReaders

/// `capture.truncated`: the capture's snap length cut the datagram.
public struct CaptureTruncatedRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "capture.truncated", defaultSeverity: .error,
        summary: "the capture's snap length cut the datagram",
        help: "The capture kept only the first bytes of this datagram, so its message cannot be checked. Capture "
            + "again with a larger snap length (tcpdump -s 0).",
        levels: "any", generations: "all",
        example: "a capture taken with tcpdump -s 128: every usage datagram longer than the snap length is "
            + "cut",
        fix: "Capture again without a snap length limit: tcpdump -s 0 (the default in recent tcpdump) "
            + "or dumpcap -s 0.")

    static func message(_ cut: TruncatedDatagram) -> String {
        cut.capturedLength < cut.originalLength
            ? "the capture kept \(cut.capturedLength) of the frame's \(cut.originalLength) bytes (snap length): its message cannot be checked"
            : "the frame is shorter than its IP and UDP headers say (\(cut.capturedLength) bytes): its message cannot be checked"
    }
}
