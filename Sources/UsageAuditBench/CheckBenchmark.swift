import AuditInputs
import AuditModel
import AuditRules
import Foundation

/// `usage-audit-bench check FILE [--threads N]... [--repeat N]`: the checker's throughput (decoding, schema
/// validation, every rule and the session step) on the lines of FILE held in memory, without input or
/// report I/O, so that it compares with validators timed the same way.
enum CheckBenchmark {
    static func run(_ arguments: [String]) -> Int32 {
        guard let path = arguments.first else {
            writeStandardError("usage: usage-audit-bench check FILE [--threads N]... [--repeat N]")
            return 2
        }
        let rounds = option("--repeat", in: arguments).flatMap(Int.init) ?? 3
        var threadCounts: [Int] = []
        for (i, argument) in arguments.enumerated() where argument == "--threads" && i + 1 < arguments.count {
            if let n = Int(arguments[i + 1]) { threadCounts.append(n) }
        }
        if threadCounts.isEmpty { threadCounts = [1, 2] }
        guard let lines = BenchmarkInput.lines(of: path) else { return 2 }
        // Wire lines carry the protocol byte; NDJSON lines do not.
        let records = lines.enumerated().map { index, line in
            InputRecord(
                locator: .line(index + 1),
                payload: line.first == UInt8(ascii: "1") ? .datagram(line) : .json(line))
        }
        let checker: Checker
        do { checker = try Checker(configuration: CheckConfiguration()) } catch {
            writeStandardError("schemas: \(error)")
            return 2
        }
        print("check benchmark: \(records.count) messages from \(path), best of \(rounds)")
        for threads in threadCounts {
            var findings = 0
            var cpuSeconds = Double.infinity
            let seconds = best(of: rounds) {
                let cpuStart = processCPUSeconds()
                defer { cpuSeconds = min(cpuSeconds, processCPUSeconds() - cpuStart) }
                // A fresh session table each round, as each run of `check` has; the same pipeline as `check`
                // (parallel audits beside the in-order session step), without reading or writing files.
                let run = Checker(auditor: checker.auditor)
                findings = 0
                AuditRun(threads: threads).check(MemoryRecords(records, source: path), checker: run) { step in
                    findings += step.findings.count
                }
                findings += run.finish().findings.count
            }
            // CPU time per message (every thread) shows the cost of the work itself, which a busy machine
            // disturbs far less than the wall-clock rate.
            print(
                String(
                    format: "  %d thread%@  %9.0f messages/s  %6.2f us CPU/message  (%d findings)", threads,
                    threads == 1 ? " " : "s", Double(records.count) / seconds, cpuSeconds / Double(records.count) * 1e6,
                    findings))
        }
        return 0
    }
}

/// Records already in memory, read like an input.
private final class MemoryRecords: RecordReader {
    let source: String
    let kind = InputKind.ndjson
    let readError: String? = nil
    private let records: [InputRecord]
    private var position = 0

    init(_ records: [InputRecord], source: String) {
        self.records = records
        self.source = source
    }

    func next() -> InputRecord? {
        guard position < records.count else { return nil }
        defer { position += 1 }
        return records[position]
    }
}

#if canImport(Glibc)
    private let RUSAGE_SELF_WHO = RUSAGE_SELF.rawValue
#else
    private let RUSAGE_SELF_WHO = RUSAGE_SELF
#endif

/// User and system CPU time of the whole process so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF_WHO, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
