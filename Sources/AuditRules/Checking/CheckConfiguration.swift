import AuditModel
import Bytes
import JSONCore

/// `--level`: the level the client was configured with, or `auto` to take each start message's own.
public enum LevelSetting: Sendable, Hashable, CustomStringConvertible {
    /// Each start message's `tracking_level`; an end message takes its session's.
    case auto
    /// The level the client was configured with (1, 2 or 3; 0 for tracking off, when every message is a
    /// violation).
    case fixed(Int)

    public init?(argument: String) {
        switch argument.lowercased() {
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
    public var allowedNamespaces: [String] {
        didSet {
            namespaceBytes = Self.bytes(of: allowedNamespaces)
            namespacesAreASCII = Self.isASCII(namespaceBytes)
        }
    }
    /// The namespaces as UTF-8, each with and without its final dot: every component name of every message
    /// is tested against them, and comparing bytes costs a fraction of `String.hasPrefix`.
    private var namespaceBytes: [(dotted: [UInt8], exact: [UInt8])]
    private var namespacesAreASCII: Bool
    /// Bounds for decoding each message.
    public var parseOptions: JSONParseOptions
    /// How many sessions are remembered at once; the oldest are forgotten beyond it (memory stays flat).
    public var sessionCapacity: Int
    /// How many distinct messages are kept for matching later sightings of them (a capture's datagram with
    /// the line that logged it); beyond it the oldest is reported and forgotten, and a later sighting of it
    /// counts as a new message.
    public var observationCapacity: Int
    /// `--reconcile`: the inputs are a capture (or journal) and the logs of the same runs; each message is
    /// reported when only one side saw it.
    public var reconcile = false
    /// `--identities`: names whose G0 hashes a `privacy.forbidden-field` finding names.
    public var identities = IdentityTable(names: [])

    public init(
        level: LevelSetting = .auto, allowedNamespaces: [String] = ["parsl."],
        parseOptions: JSONParseOptions = JSONParseOptions(maxDepth: 64, maxBytes: 1 << 20),
        sessionCapacity: Int = 100_000, observationCapacity: Int = 100_000
    ) {
        self.level = level
        self.allowedNamespaces = allowedNamespaces
        self.namespaceBytes = Self.bytes(of: allowedNamespaces)
        self.namespacesAreASCII = Self.isASCII(namespaceBytes)
        self.parseOptions = parseOptions
        self.sessionCapacity = sessionCapacity
        self.observationCapacity = observationCapacity
    }

    /// The same configuration with the namespaces, and the bytes every component name is compared with, in
    /// storage of its own: for an auditor of another thread (`RecordAuditor.independentCopy()`), which
    /// would otherwise count a reference on the same arrays for every component of every message.
    func independentCopy() -> CheckConfiguration {
        var copy = self
        copy.allowedNamespaces = allowedNamespaces.map { String(decoding: Array($0.utf8), as: UTF8.self) }
        return copy
    }

    /// Whether a component name belongs to an allowed namespace (`parsl.` allows `parsl.config.Config`).
    public func isAllowedComponent(_ name: String) -> Bool {
        // The name's own UTF-8, read in place, against the namespaces' bytes without copying their arrays.
        if let verdict = name.withUTF8InPlace({ isAllowedComponent(utf8: $0) }) { return verdict }
        return allowedNamespaces.contains { prefix in
            name.hasPrefix(prefix.hasSuffix(".") ? prefix : prefix + ".") || name == prefix
        }
    }

    /// The same for a name's UTF-8 bytes, when its bytes can tell: `nil` unless the name and the namespaces
    /// are ASCII (bytes compare as characters do only for ASCII; anything else is left to `String`'s
    /// comparison, through `isAllowedComponent(_:)`).
    func isAllowedComponent(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard namespacesAreASCII, StringBytes.isASCII(bytes) else { return nil }
        return namespaceBytes.withUnsafeBufferPointer { namespaces in
            for index in namespaces.indices {
                let namespace = namespaces.baseAddress! + index
                if namespace.pointee.dotted.withUnsafeBufferPointer({ StringBytes.hasPrefix(bytes, $0) }) {
                    return true
                }
                if bytes.count == namespace.pointee.exact.count,
                    namespace.pointee.exact.withUnsafeBufferPointer({ StringBytes.hasPrefix(bytes, $0) })
                {
                    return true
                }
            }
            return false
        }
    }

    private static func isASCII(_ namespaces: [(dotted: [UInt8], exact: [UInt8])]) -> Bool {
        namespaces.allSatisfy { $0.dotted.allSatisfy { $0 < 0x80 } }
    }

    private static func bytes(of namespaces: [String]) -> [(dotted: [UInt8], exact: [UInt8])] {
        namespaces.map { prefix in (Array((prefix.hasSuffix(".") ? prefix : prefix + ".").utf8), Array(prefix.utf8)) }
    }
}
