import AuditModel
import JSONCore

/// `--level`: the level the client was configured with, or `auto` to take each start message's own.
public enum LevelSetting: Sendable, Hashable, CustomStringConvertible {
    /// Each start message's `tracking_level`; an end message takes its session's.
    case auto
    /// The level the client was configured with (1, 2 or 3; 0 for tracking off, when every message is a
    /// violation).
    case fixed(Int)

    public init?(argument: String) {
        switch argument {
        case "auto": self = .auto
        case "0", "1", "2", "3": self = .fixed(Int(argument)!)
        default: return nil
        }
    }

    /// `--level 0`: the client was configured with tracking off.
    public var isDisabled: Bool { self == .fixed(0) }

    public var description: String {
        switch self {
        case .auto: "auto"
        case .fixed(let n): String(n)
        }
    }
}

/// What a check run is told by its user.
public struct CheckConfiguration: Sendable {
    public var level: LevelSetting
    /// Dotted prefixes of component names that are not the user's own code (`--allow-namespace`).
    public var allowedNamespaces: [String]
    /// Bounds for decoding each message.
    public var parseOptions: JSONParseOptions
    /// How many sessions are remembered at once; the oldest are forgotten beyond it (memory stays flat).
    public var sessionCapacity: Int

    public init(
        level: LevelSetting = .auto, allowedNamespaces: [String] = ["parsl."],
        parseOptions: JSONParseOptions = JSONParseOptions(maxDepth: 64, maxBytes: 1 << 20),
        sessionCapacity: Int = 100_000
    ) {
        self.level = level
        self.allowedNamespaces = allowedNamespaces
        self.parseOptions = parseOptions
        self.sessionCapacity = sessionCapacity
    }

    /// Whether a component name belongs to an allowed namespace (`parsl.` allows `parsl.config.Config`).
    public func isAllowedComponent(_ name: String) -> Bool {
        allowedNamespaces.contains { prefix in
            name.hasPrefix(prefix.hasSuffix(".") ? prefix : prefix + ".") || name == prefix
        }
    }
}
