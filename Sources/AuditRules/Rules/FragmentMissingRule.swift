import AuditModel
import CaptureReaders

/// `capture.fragment-missing`: an IP datagram whose fragments never all arrived.
public struct FragmentMissingRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "capture.fragment-missing", defaultSeverity: .error,
        summary: "an IPv4 datagram whose fragments never all arrived",
        help: "The datagram was fragmented and not every fragment is in the capture, so it cannot be reassembled "
            + "and its message cannot be checked. The collector lost it too: oversize messages are fragile.",
        levels: "any", generations: "all",
        example: "an oversize level-3 start fragmented in two, whose second fragment the capture lost",
        fix: "Capture closer to the client (on its host or the same link); oversize messages are "
            + "fragile on any path.")

    static func message(_ loss: FragmentLoss) -> String {
        let received = "\(loss.fragmentsReceived) fragment(s), \(loss.bytesReceived) bytes"
        let port = loss.destinationPort == nil ? " (its first fragment, with the UDP port, is among the missing)" : ""
        let expected = loss.expectedLength.map { " of \($0)" } ?? ""
        return "an IP datagram (id \(loss.identification)) could not be reassembled: only \(received)\(expected) "
            + "arrived, frames \(loss.frame)-\(loss.lastFrame) (\(loss.reason))\(port)"
    }
}
