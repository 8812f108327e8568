import AuditModel
import JSONCore

/// `session.config-drift`: the configuration components of a session's end differ from its start.
public struct ConfigDriftRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "session.config-drift", defaultSeverity: .warning,
        summary: "the configuration components of a session's end differ from its start",
        help: "An end message repeats the start message's configuration after the execution summary. When they "
            + "differ, the configuration changed during the run or the end message reports something else.",
        levels: "3", generations: "G3-G5",
        example: "a start listing ThreadPoolExecutor and an end listing HighThroughputExecutor for the "
            + "same correlator",
        fix: "The configuration changed during the run, or the end belongs to another run; check the "
            + "workflow.")

    /// A one-line description of how two component lists differ (as multisets), or `nil` when they agree.
    static func drift(_ before: [JSONValue], _ after: [JSONValue]) -> String? {
        // The usual case, the same list in the same order, needs no counting.
        if before == after { return nil }
        var counts: [JSONValue: Int] = [:]
        for component in before { counts[component, default: 0] += 1 }
        for component in after { counts[component, default: 0] -= 1 }
        let onlyStart = counts.filter { $0.value > 0 }.keys.map { describe($0) }.sorted()
        let onlyEnd = counts.filter { $0.value < 0 }.keys.map { describe($0) }.sorted()
        guard !onlyStart.isEmpty || !onlyEnd.isEmpty else { return nil }
        var parts: [String] = []
        if !onlyStart.isEmpty { parts.append("only at start: \(onlyStart.joined(separator: ", "))") }
        if !onlyEnd.isEmpty { parts.append("only at end: \(onlyEnd.joined(separator: ", "))") }
        return "the end message's configuration differs from the start's (" + parts.joined(separator: "; ") + ")"
    }

    private static func describe(_ component: JSONValue) -> String {
        component.stringValue ?? component.serialized()
    }
}
