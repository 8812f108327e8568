import AuditModel

/// `protocol.unknown-version`: a datagram whose first byte is neither the protocol byte `1` nor `{`.
public struct UnknownVersionRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "protocol.unknown-version", defaultSeverity: .error,
        summary: "first byte is neither 1 nor {",
        help: "Parsl sends the protocol byte '1' and then JSON, or (before April 2024) bare JSON starting with '{'. "
            + "Any other first byte is a protocol this audit does not know: the payload cannot be checked.",
        levels: "any", generations: "all",
        example: "a datagram to port 50077 whose first byte is 0x1f (a gzip stream) or 2",
        fix: "Make sure the capture or file holds Parsl usage datagrams; a client that sends another "
            + "protocol byte is not a Parsl release this tool knows.")

    static func message(firstByte: UInt8?) -> String {
        guard let byte = firstByte else { return "empty payload: no protocol byte and no message" }
        let shown = (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))' (0x\(String(byte, radix: 16)))" : "0x\(String(byte, radix: 16))"
        return "first byte \(shown) is neither the protocol byte '1' nor '{': unknown protocol, not checked"
    }
}
