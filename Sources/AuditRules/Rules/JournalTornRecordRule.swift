import AuditModel

/// `journal.torn-record`: the last record of a `listen` journal was cut short (the collector stopped mid-write).
public struct JournalTornRecordRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "journal.torn-record", defaultSeverity: .warning,
        summary: "a journal record cut short by a crash mid-write",
        help: "The collector stopped while writing this record, so the datagram it held is lost; every record "
            + "before it was read.")
}
