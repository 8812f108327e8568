import Foundation
import AuditInputs
import AuditModel
import AuditRules

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
            let seconds = best(of: rounds) {
                // A fresh session table each round, as each run of `check` has.
                let run = Checker(auditor: checker.auditor)
                findings = 0
                var index = 0
                while index < records.count {
                    let batch = Array(records[index..<min(index + 2048, records.count)])
                    var verdicts = AuditRun(threads: threads).auditBatch(batch, source: path, auditor: run.auditor)
                    for i in verdicts.indices { findings += run.complete(&verdicts[i]).findings.count }
                    index += 2048
                }
                findings += run.finish().count
            }
            print(String(format: "  %d thread%@  %9.0f messages/s  (%d findings)", threads, threads == 1 ? " " : "s", Double(records.count) / seconds, findings))
        }
        return 0
    }
}
