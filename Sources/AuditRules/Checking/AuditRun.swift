import AuditInputs
import AuditModel
import Dispatch
import Storage

/// A whole `check` run over several inputs: records are read in order, audited in parallel in batches, and
/// completed by the session step in input order, so the report is the same whatever the thread count.
public struct AuditRun: Sendable {
    public var inputKind: InputKind?
    public var port: UInt16
    /// Threads auditing records, beside the calling thread, which reads them and runs the session step.
    public var threads: Int
    /// Records per parallel batch: large enough to amortise the hand-off, small enough to keep memory flat.
    public var batchSize = 2048
    /// Keep the decoded message of every message with findings, for reports that show it (HTML). Off, the
    /// report holds only what it lists.
    public var keepPayloads = false
    /// Where the report's messages and findings are spooled as they are found: beyond its memory limit they
    /// go to a temporary file, so memory stays flat however long the input.
    public var spool = SpoolConfiguration()

    public init(inputKind: InputKind? = nil, port: UInt16 = 50077, threads: Int = 0) {
        self.inputKind = inputKind
        self.port = port
        self.threads = threads > 0 ? threads : Self.processorCount
    }

    static var processorCount: Int { max(1, sysconfCPUs()) }

    public func run(_ paths: [String], checker: Checker) -> AuditReport {
        var inputs: [InputSummary] = []
        var messages = AuditListBuilder<AuditedMessage>(configuration: spool)
        var findings = AuditListBuilder<Finding>(configuration: spool)
        var hosts = HostInventory()
        checker.keepsEveryPayload = keepPayloads
        for (number, path) in paths.enumerated() {
            let reader: any RecordReader
            do {
                reader = try InputOpener.open(path: path, kind: inputKind, port: port)
            } catch {
                inputs.append(
                    InputSummary(source: path, kind: inputKind?.rawValue ?? "unknown", readError: error.message))
                continue
            }
            var summary = InputSummary(source: path, kind: reader.kind.rawValue)
            check(reader, checker: checker, input: number) { step in
                // Without keepPayloads the workers already dropped the decoded message.
                if step.newInInput { summary.messages += 1 }
                for message in step.messages {
                    hosts.add(message)
                    messages.append(message)
                }
                for finding in step.findings {
                    hosts.add(finding)
                    findings.append(finding)
                }
            }
            summary.readError = reader.readError
            inputs.append(summary)
        }
        let last = checker.finish()
        for message in last.messages {
            hosts.add(message)
            messages.append(message)
        }
        for finding in last.findings {
            hosts.add(finding)
            findings.append(finding)
        }
        var report = AuditReport(
            inputs: inputs, messages: messages.finish(), findings: findings.finish(), rules: checker.rules,
            disclosure: checker.disclosure)
        report.hosts = hosts.summaries
        report.forgottenMessages = checker.forgottenMessages
        return report
    }
}

#if canImport(Glibc)
    import Glibc
    private func sysconfCPUs() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
#else
    import Darwin
    private func sysconfCPUs() -> Int { Int(sysconf(_SC_NPROCESSORS_ONLN)) }
#endif
