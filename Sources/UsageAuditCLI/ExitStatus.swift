import AuditModel

/// The exit statuses of `check` and `listen`, as the contract gives them, decided here and nowhere else: the
/// libraries report facts (which inputs could not be read, how many findings reach a threshold), the
/// executable turns them into a status.
enum ExitStatus {
    /// 2 when an input could not be read, else 1 when a finding not in the baseline reaches `threshold`, else 0.
    static func of(_ report: AuditReport, failOn threshold: FailThreshold) -> Int32 {
        if report.hasUnreadableInput { return 2 }
        return report.failingCount(threshold) > 0 ? 1 : 0
    }
}
