import AuditInputs
import AuditModel

/// `input.no-messages`: a readable input that held no usage message. An audit of nothing must not pass in
/// silence (a CI step pointed at the wrong file, a capture on the wrong port); for a capture the finding says
/// what it held instead, and names the port where usage-like datagrams went.
public struct NoMessagesRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "input.no-messages", defaultSeverity: .warning,
        summary: "a readable input holding no usage message (for a capture: what it held instead, e.g. usage-like datagrams to another port)",
        help: "The input was read to its end and held no usage message, so nothing was audited: the run proves "
            + "nothing about the client. Check that it is the file you meant, that the client really sent (or "
            + "logged) its messages, and for a capture that they went to the audited port (--port). With "
            + "--level 0 (tracking off) an input without messages is what passing looks like, and this is not "
            + "reported. --min-messages N turns too few messages in the whole run into an error.",
        levels: "1, 2, 3 and auto (not 0: there, no message is the pass)", generations: "all",
        example: "an empty file, `check - </dev/null`, or a capture whose 9 usage datagrams went to port 50078: "
            + "\"9 datagrams to port 50078 look like usage messages; --port 50078?\"",
        fix: "Audit the file that holds the messages (a capture on the right port, the run's parsl.log, the "
            + "journal), or make sure the client really sent; in CI add --min-messages so nothing audited fails.")

    /// The finding for `source`, which held `contents` and no message.
    public static func finding(source: String, contents: InputContents, port: UInt16) -> Finding {
        Finding(descriptor, source: source, locator: nil, message: message(contents, port: port))
    }

    static func message(_ contents: InputContents, port: UInt16) -> String {
        switch contents {
        case .empty:
            return "no usage message: the input is empty"
        case .lines(let count):
            return "no usage message in \(count == 1 ? "1 line" : "\(count) lines")"
        case .received(let datagrams):
            return datagrams == 0
                ? "no usage message: the collector received no datagram on port \(port)"
                : "no usage message in the \(plural(datagrams, "datagram")) received"
        case .unspecified:
            return "no usage message in this input"
        case .capture(let frames, let udp, let usageLike):
            var text =
                "no usage message to port \(port): the capture holds \(plural(frames, "frame")), "
                + "\(plural(udp, "UDP datagram")) (none to port \(port))"
            if let top = usageLike.first {
                let others = usageLike.dropFirst().prefix(3).map { "\($0.count) to port \($0.port)" }
                let also = others.isEmpty ? "" : " (also \(others.joined(separator: ", ")))"
                text +=
                    "; \(plural(top.count, "datagram")) to port \(top.port) look like usage messages\(also); "
                    + "--port \(top.port)?"
            }
            return text
        }
    }

    private static func plural(_ count: Int, _ noun: String) -> String { count == 1 ? "1 \(noun)" : "\(count) \(noun)s" }
}
