import Storage

/// What a run has found so far: the report's messages and findings, spooled as they come so memory stays
/// flat, and their senders. `check` and `listen` both keep what their checker releases here, the same way.
public struct FoundSoFar {
    public private(set) var messages: AuditListBuilder<AuditedMessage>
    public private(set) var findings: AuditListBuilder<Finding>
    public private(set) var hosts = HostInventory()

    public init(spool: SpoolConfiguration = .init()) {
        messages = AuditListBuilder(configuration: spool)
        findings = AuditListBuilder(configuration: spool)
    }

    /// Keeps messages and findings the checker released, each counted to its sender; `found` sees each finding
    /// as it is kept (`listen` prints a live line for it).
    public mutating func take(
        messages released: [AuditedMessage], findings reported: [Finding], found: (Finding) -> Void = { _ in }
    ) {
        for message in released {
            hosts.add(message)
            messages.append(message)
        }
        for finding in reported {
            hosts.add(finding)
            findings.append(finding)
            found(finding)
        }
    }

    /// Keeps a finding about the run or a whole input (no messages, too few), which no sender made.
    public mutating func keepWithoutSender(_ finding: Finding) {
        findings.append(finding)
    }
}
