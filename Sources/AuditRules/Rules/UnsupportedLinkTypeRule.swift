import AuditModel
import CaptureReaders

/// `capture.unsupported-link-type`: frames of a link type this reader does not decode.
public struct UnsupportedLinkTypeRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "capture.unsupported-link-type", defaultSeverity: .error,
        summary: "frames of a link type usage-audit does not decode",
        help: "The capture holds frames of a link type other than Ethernet, Linux cooked, BSD loopback or raw IP. "
            + "Usage messages in those frames were not audited: capture on another interface or with -i any.",
        levels: "any", generations: "all",
        example: "an 802.11 radiotap interface in a pcapng captured with dumpcap -I",
        fix: "Capture on a wired, loopback or 'any' interface, which usage-audit decodes.")

    static func message(_ link: UnsupportedLinkType) -> String {
        "interface \(link.interface) has link type \(link.linkType)\(link.name.map { " (\($0))" } ?? ""), which "
            + "usage-audit does not decode: its frames were not audited"
    }
}
