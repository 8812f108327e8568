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
    /// Keep the decoded message of every message, for a report that shows it and counts every message (HTML).
    /// Off, the report holds only what it lists.
    public var keepPayloads = false
    /// Keep the decoded message of each message with findings, for a report that says what sits at a
    /// finding's pointer (SARIF).
    public var keepFindingPayloads = false
    /// Where the report's messages and findings are spooled as they are found: beyond its memory limit they
    /// go to a temporary file, so memory stays flat however long the input.
    public var spool = SpoolConfiguration()

    public init(inputKind: InputKind? = nil, port: UInt16 = 50077, threads: Int = 0) {
        self.inputKind = inputKind
        self.port = port
        self.threads = threads > 0 ? threads : Self.processorCount
    }

    /// The processors online: the default number of threads of `check` and `validate`.
    public static var processorCount: Int { max(1, sysconfCPUs()) }

    /// Fewer distinct messages than this in the whole run is an `input.too-few-messages` error.
    public var minimumMessages: Int?

    /// Audits every input in order: a folder is walked (its usage inputs audited, every other file listed as
    /// skipped), an explicit file that is no usage input is a read error. A readable input with no message
    /// gets `input.no-messages` (not at `--level 0`, where that is the pass).
    public func run(_ paths: [String], checker: Checker) -> AuditReport {
        var inputs: [InputSummary] = []
        var found = FoundSoFar(spool: spool)
        checker.keepsEveryPayload = keepPayloads
        // What it releases goes to `found`, which completes a message judged after it was kept.
        checker.releasesBeforeJudgment = true
        checker.awaitsLaterEvidence = paths.count > 1 || paths.contains(where: FolderWalk.isFolder)
        let silenceIsThePass = checker.auditor.configuration.level == .fixed(0)
        // With one input on one interface every sighting is a send of its own: no message needs an identity.
        let oneInput = paths.count == 1 && !FolderWalk.isFolder(paths[0])
        var inputNumber = 0
        func audit(_ reader: any RecordReader) {
            var summary = InputSummary(source: reader.source, kind: reader.kind.rawValue)
            let identifying = !oneInput || reader.mayHaveSeveralInterfaces
            check(reader, checker: checker, input: inputNumber, identifyingContent: identifying) { step in
                // Without keepPayloads the workers already dropped the decoded message.
                if step.newInInput { summary.messages += 1 }
                found.take(
                    messages: &step.messages, findings: &step.findings, awaiting: step.awaiting, judged: step.judged)
            }
            inputNumber += 1
            summary.readError = reader.readError
            if summary.messages == 0, summary.readError == nil, !silenceIsThePass {
                found.keepWithoutSender(
                    NoMessagesRule.finding(source: reader.source, contents: reader.contents, port: port))
            }
            inputs.append(summary)
        }
        for path in paths {
            if inputKind == nil, FolderWalk.isFolder(path) {
                for entry in FolderWalk.entries(under: path) {
                    switch entry {
                    case .skipped(let file, let reason):
                        inputs.append(InputSummary(source: file, kind: "none", skipped: reason))
                    case .file(let file):
                        do {
                            switch try InputOpener.openFound(path: file, port: port) {
                            case .audit(let reader): audit(reader)
                            case .skip(let reason): inputs.append(InputSummary(source: file, kind: "none", skipped: reason))
                            }
                        } catch {
                            inputs.append(InputSummary(source: file, kind: "none", skipped: error.message))
                        }
                    }
                }
                continue
            }
            do {
                audit(try InputOpener.open(path: path, kind: inputKind, port: port))
            } catch {
                inputs.append(
                    InputSummary(source: path, kind: inputKind?.rawValue ?? "unknown", readError: error.message))
            }
        }
        checker.finish(threads: threads) { last in
            found.take(messages: &last.messages, findings: &last.findings, awaiting: last.awaiting, judged: last.judged)
        }
        // Every message of the report is distinct: sightings of one message are its observations.
        if let minimumMessages, found.messages.count < minimumMessages {
            found.keepWithoutSender(
                TooFewMessagesRule.finding(
                    found: found.messages.count, minimum: minimumMessages, source: paths.first ?? "-"))
        }
        var report = AuditReport(
            inputs: inputs, messages: found.messages.finish(), findings: found.findings.finish(), rules: checker.rules,
            disclosure: checker.disclosure)
        report.hosts = found.hosts.summaries
        report.forgottenMessages = checker.forgottenMessages
        return report
    }
}

/// Counts distinct messages up to a bound: a message is its kind and correlator (the same message seen in a
/// capture and in the log of the same run counts once); a message without a correlator, or unparsed, counts
/// on its own. Keeps at most `enough` keys, so memory stays bounded.
public struct DistinctMessageCount: Sendable {
    private var keys: Set<String> = []
    private var withoutKey = 0
    private let enough: Int

    public init(enough: Int) { self.enough = enough }

    public var count: Int { keys.count + withoutKey }

    public mutating func add(_ message: AuditedMessage) {
        guard count < enough else { return }
        if message.parsed, let correlator = message.correlator {
            keys.insert("\(message.kind.rawValue) \(correlator)")
        } else {
            withoutKey += 1
        }
    }
}

#if canImport(Glibc)
    import Glibc
    private func sysconfCPUs() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
#else
    import Darwin
    private func sysconfCPUs() -> Int { Int(sysconf(_SC_NPROCESSORS_ONLN)) }
#endif
