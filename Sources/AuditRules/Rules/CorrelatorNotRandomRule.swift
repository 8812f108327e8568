import AuditModel
import JSONCore

/// `privacy.correlator-not-random`: the correlator is not a version-4 (random) UUID. Version 1 embeds the
/// sender's MAC address and the time.
public struct CorrelatorNotRandomRule: MessageRule {
    public static let descriptor = RuleDescriptor(
        id: "privacy.correlator-not-random", defaultSeverity: .error,
        summary: "correlator is not a version-4 UUID (version 1 embeds a MAC address and a time)",
        help: "The correlator ties a run's messages together and must say nothing else. A random (version 4) UUID "
            + "does that; a version-1 UUID carries the machine's MAC address and the creation time.",
        levels: "any", generations: "G3-G5 (correlator), G0-G2 (uuid)",
        example: #"correlator "6ba7b810-9dad-11d1-80b4-00c04fd430c8": a version-1 UUID with a MAC address "#
            + "and a time",
        fix: "The client must use uuid.uuid4(); report a release that does not.")

    public init() {}

    public func check(_ context: MessageContext, into findings: inout [Finding]) {
        for index in context.plan.roleRanges[FieldRole.correlator.ordinal] {
            guard let text = context.roleValue(index).stringValue, let uuid = UUIDText(text), !uuid.isRandom else {
                continue
            }
            let pointer = context.plan.rolePlaces[index].pointer
            let detail =
                uuid.version == 1
                ? "a version-1 UUID: it embeds the sender's MAC address and the time it was made"
                : "a version-\(uuid.version) UUID (variant \(uuid.variantName)), not a random version-4 one"
            findings.append(context.finding(Self.descriptor, at: pointer, "correlator is \(detail)", sensitive: [text]))
        }
    }
}

/// The version and variant of a UUID in its text form.
struct UUIDText {
    let version: Int
    let variantBits: UInt8

    init?(_ text: String) {
        var text = text
        guard
            let (version, variant) = text.withUTF8({ bytes -> (UInt8, UInt8)? in
                guard bytes.count == 36, bytes[8] == 45, bytes[13] == 45, bytes[18] == 45, bytes[23] == 45,
                    let version = Self.hexValue(bytes[14]), let variant = Self.hexValue(bytes[19])
                else { return nil }
                return (version, variant)
            })
        else { return nil }
        self.version = Int(version)
        variantBits = variant
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// RFC 9562: version 4 with the variant bits `10`.
    var isRandom: Bool { version == 4 && variantBits & 0b1100 == 0b1000 }

    var variantName: String {
        switch variantBits {
        case 0..<8: "NCS"
        case 8..<12: "RFC 9562"
        case 12..<14: "Microsoft"
        default: "reserved"
        }
    }
}
