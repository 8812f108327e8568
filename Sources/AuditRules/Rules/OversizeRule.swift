import AuditModel
import JSONCore

/// `protocol.oversize`: a payload over 1472 bytes, which fragments on a 1500-byte IPv4 path.
public struct OversizeRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "protocol.oversize", defaultSeverity: .warning,
        summary: "payload over 1472 bytes: fragments on a 1500-byte IPv4 path, more likely lost",
        help: "A UDP payload above 1472 bytes does not fit one 1500-byte Ethernet frame with IPv4 and UDP headers: "
            + "it is fragmented, and the loss of any fragment loses the message. Long component lists cause this.",
        levels: "2-3 (component lists)", generations: "G3-G5",
        example: "a level-3 start whose components list 40 executors and providers: a 1,900-byte payload",
        fix: "Nothing to do in the client's configuration; note that such messages fragment and are "
            + "more often lost, so a missing one is no surprise.")

    /// 1500-byte MTU minus 20 bytes of IPv4 header and 8 of UDP header.
    public static let limit = 1472

    /// The finding for a payload of `size` bytes (`logged`: the size the logged message would have sent).
    static func finding(size: Int, logged: Bool, source: String, locator: Locator) -> Finding {
        let text =
            logged
            ? "this message would be a \(size)-byte payload, over \(limit): it is fragmented on a 1500-byte IPv4 path"
            : "payload of \(size) bytes exceeds \(limit): it is fragmented on a 1500-byte IPv4 path"
        return Finding(descriptor, source: source, locator: locator, message: text)
    }

    /// The size Parsl's payload would have for a message: the protocol byte and `json.dumps` with its default
    /// separators (`", "`, `": "`) and `ensure_ascii`.
    static func wireSize(of value: JSONValue) -> Int { 1 + dumpsLength(value) }

    private static func dumpsLength(_ value: JSONValue) -> Int {
        switch value {
        case .null: return 4
        case .bool(let b): return b ? 4 : 5
        case .integer(let i): return String(i).utf8.count
        case .real(let d): return d.isFinite ? d.description.utf8.count : (d.isNaN ? 3 : (d < 0 ? 9 : 8))
        case .string(let s): return quotedLength(s)
        case .array(let elements):
            return 2 + elements.reduce(0) { $0 + dumpsLength($1) } + max(0, elements.count - 1) * 2
        case .object(let object):
            var total = 2 + max(0, object.count - 1) * 2
            for (key, member) in object { total += quotedLength(key) + 2 + dumpsLength(member) }
            return total
        }
    }

    private static func quotedLength(_ s: String) -> Int {
        var total = 2
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x22, 0x5C, 0x08, 0x0C, 0x0A, 0x0D, 0x09: total += 2
            case 0..<0x20, 0x7F...0xFFFF: total += scalar.value >= 0x20 && scalar.value < 0x7F ? 1 : 6
            case 0x10000...: total += 12
            default: total += 1
            }
        }
        return total
    }
}
