/// What one sender address sent, and what was found in it: the host inventory answers an auditor's first
/// question about a cluster-wide capture (which machines leak, and what must be upgraded).
public struct HostSummary: Sendable, Hashable {
    public var address: String
    /// Distinct messages whose first sighting with network evidence came from it.
    public var messages = 0
    public var generations: [String] = []
    public var parslVersions: [String] = []
    public var levels: [Int] = []
    /// Findings by severity, indexed by `Severity.allCases` order (note, warning, error).
    public var findingsBySeverity = [0, 0, 0]
    public var rules: [String] = []

    public init(address: String) { self.address = address }

    public func count(_ severity: Severity) -> Int { findingsBySeverity[severity.ordinal] }
}

/// The host inventory of a run, built as messages and findings are reported. Bounded by `limit` distinct
/// addresses (each keeps a few short sets); senders beyond it are counted in `unlisted`.
public struct HostInventory: Sendable {
    public static let limit = 65_536

    private var hosts: [String: HostSummary] = [:]
    /// Senders not listed because `limit` was reached.
    public private(set) var unlisted = 0

    public init() {}

    public var isEmpty: Bool { hosts.isEmpty }

    /// Counts a message under the sender of its first sighting that has network evidence.
    public mutating func add(_ message: AuditedMessage) {
        guard let network = Self.sender(of: message) else { return }
        // Only what the closure reads is captured: capturing the message copied it whole.
        let (generation, version, level) = (message.generation, message.parslVersion, message.level)
        update(network.senderAddress) { host in
            host.messages += 1
            if let generation { Self.insert(generation, into: &host.generations) }
            if let version { Self.insert(version, into: &host.parslVersions) }
            if let level { Self.insert(level, into: &host.levels) }
        }
    }

    /// The network evidence a message is counted under: that of its first sighting that has any.
    public static func sender(of message: AuditedMessage) -> NetworkEvidence? {
        message.network ?? message.laterObservations.first(where: { $0.network != nil })?.network
    }

    /// Counts a finding under its sender.
    public mutating func add(_ finding: Finding) {
        guard let network = finding.network else { return }
        let (severity, rule) = (finding.severity, finding.rule)
        update(network.senderAddress) { host in
            host.findingsBySeverity[severity.ordinal] += 1
            Self.insert(rule, into: &host.rules)
        }
    }

    /// The hosts, most errors first, then most warnings, notes, and by address.
    public var summaries: [HostSummary] {
        hosts.values.sorted { a, b in
            let left = (a.count(.error), a.count(.warning), a.count(.note))
            let right = (b.count(.error), b.count(.warning), b.count(.note))
            return left != right ? left > right : a.address < b.address
        }
    }

    /// One probe of the table for a known sender (a capture's every message and finding comes here): asked
    /// whether it was there, then changed through its key, each address was hashed twice or three times.
    private mutating func update(_ address: String, _ body: (inout HostSummary) -> Void) {
        if let known = hosts.index(forKey: address) {
            body(&hosts.values[known])
            return
        }
        guard hosts.count < Self.limit else {
            unlisted += 1
            return
        }
        var summary = HostSummary(address: address)
        body(&summary)
        hosts[address] = summary
    }

    /// Keeps a short sorted set; a host sending hundreds of versions is listed with the first 64. Nearly every
    /// value is listed already, so it is looked up by equality first (a finding's rule is the very string
    /// listed: one storage, equal at once) rather than ordered among the others, text against text.
    private static func insert<T: Comparable>(_ value: T, into list: inout [T]) {
        guard list.count < 64, !list.contains(value) else { return }
        let index = list.firstIndex { $0 >= value } ?? list.endIndex
        list.insert(value, at: index)
    }
}
