import AuditModel
import CaptureReaders

/// `capture.damaged`: the capture file is corrupt or cut short; frames after the damage are not read.
public struct CaptureDamagedRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "capture.damaged", defaultSeverity: .error,
        summary: "the capture file is corrupt or cut short",
        help: "The frames before the damage were audited; those after it could not be read. The run exits with "
            + "status 2. Copy the capture again, or repair it (e.g. with pcapfix).",
        levels: "any", generations: "all",
        example: "a pcapng copied while dumpcap was still writing it: its last block is cut",
        fix: "Copy the capture again once the capture tool has stopped, or repair it (pcapfix), and "
            + "audit it again.")

    static func message(_ damage: CaptureDamage) -> String {
        let place = damage.offset.map { " at byte \($0)" } ?? ""
        return "the capture is damaged at frame \(damage.frame)\(place) (\(damage.reason)): frames before it were "
            + "audited, none after"
    }
}
