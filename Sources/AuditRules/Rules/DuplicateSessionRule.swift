import AuditModel

/// `session.duplicate`: two start messages share a correlator.
public struct DuplicateSessionRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "session.duplicate", defaultSeverity: .error,
        summary: "two start messages share a correlator",
        help: "Every run must draw a fresh random correlator. A repeated one means the client reuses identifiers "
            + "(which links runs of one user together) or the messages were replayed.",
        levels: "any", generations: "all",
        example: "two start messages with one correlator, seen in the same input and interface",
        fix: "A client must draw a fresh correlator per run; look for replayed traffic or a client "
            + "that reuses it.")

    static func message(earlierSource: String, earlierLocator: Locator) -> String {
        "a start message with this correlator was already seen (\(earlierSource), \(earlierLocator))"
    }
}
