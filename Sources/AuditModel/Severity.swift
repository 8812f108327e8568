/// How bad a finding is. Ordered: `note < warning < error`.
public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case note, warning, error

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }
}

/// `--fail-on`: the lowest severity that makes the run fail (exit 1), or never.
public enum FailThreshold: String, Sendable, CaseIterable {
    case error, warning, note, never

    public func fails(on severity: Severity) -> Bool {
        switch self {
        case .never: false
        case .error: severity >= .error
        case .warning: severity >= .warning
        case .note: true
        }
    }
}
