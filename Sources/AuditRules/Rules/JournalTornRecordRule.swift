import AuditModel

/// `journal.torn-record`: a record of a `listen` journal is torn (the collector stopped mid-write), damaged or
/// missing from the sequence.
public struct JournalTornRecordRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "journal.torn-record", defaultSeverity: .error,
        summary: "a journal record is torn, damaged or missing",
        help: "A record of the listen journal is cut short (the collector stopped while writing it), damaged, or "
            + "missing from the sequence: the datagram it held is lost. Every other record was read.",
        levels: "any", generations: "all",
        example: "a journal copied while listen was still running: its last record is half written",
        fix: "Stop listen before copying its journal; a torn last record is expected after a crash, "
            + "everything before it is intact.")
}
