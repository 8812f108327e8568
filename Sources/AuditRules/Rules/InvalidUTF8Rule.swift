import AuditModel

/// `protocol.invalid-utf8`: bytes that are not UTF-8.
public struct InvalidUTF8Rule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "protocol.invalid-utf8", defaultSeverity: .error,
        summary: "bytes that are not UTF-8",
        help: "JSON text must be UTF-8. Parsl's json.dumps escapes every non-ASCII character, so invalid bytes mean "
            + "the payload was not written by Parsl, or was damaged on the way.",
        levels: "any", generations: "all",
        example: "a payload holding the byte 0xE9 alone (Latin-1 é) inside a string",
        fix: "The client or something between it and the capture wrote bytes that are not UTF-8; "
            + "capture again at the client.")
}
