/// How bad a finding is. Ordered: `note < warning < error`.
public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case note, warning, error

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.ordinal < rhs.ordinal }

    /// The severity's place in `allCases` (note 0, warning 1, error 2), also its rank: per-severity counts and
    /// the spool's tag, without building `allCases` (a new array at every use) and searching it.
    public var ordinal: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    /// `allCases`, made once: the severity at each ordinal.
    public static let byOrdinal = allCases
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
