import AuditTooling
import Dispatch
import JSONCore
import JSONSchema
import Storage

// `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`: a thread's own CPU time, which neither Swift nor swift-system offers.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `usage-audit-bench validate`: messages per second for parse + `isValid` over an NDJSON corpus, on one
/// thread and on several, plus JSONCore's parse-only rate (the share of the time the JSON core takes).
///
/// Prints one `RESULT <name> <messages/s> <invalid> cpu=<messages/s>` line per measurement for
/// `Scripts/bench-validate` to tabulate: the wall-clock rate, and the rate by the busiest thread's CPU time
/// (which a machine shared with other work distorts much less). Every measurement is the best of
/// `--repeat` runs over the whole corpus. `swift-isvalid-only` validates messages parsed beforehand: the
/// engine's own cost, without JSONCore's.
enum ValidateBenchmark {
    static func main(_ arguments: [String]) -> Int32 {
        var schemaPath: String?
        var corpusPath: String?
        var threadCounts: [Int] = []
        var repeats = 3
        var index = 0
        while index < arguments.count {
            let value = index + 1 < arguments.count ? arguments[index + 1] : nil
            switch (arguments[index], value) {
            case ("--schema", let v?): schemaPath = v
            case ("--corpus", let v?): corpusPath = v
            case ("--threads", let v?):
                guard let n = Int(v), n > 0 else { return usage("--threads takes a positive number") }
                threadCounts.append(n)
            case ("--repeat", let v?):
                guard let n = Int(v), n > 0 else { return usage("--repeat takes a positive number") }
                repeats = n
            default: return usage("unexpected argument '\(arguments[index])'")
            }
            index += 2
        }
        guard let schemaPath, let corpusPath else { return usage("--schema and --corpus are required") }
        if threadCounts.isEmpty { threadCounts = [1, 2] }

        let schema: Schema
        do {
            schema = try SchemaFile.load(path: schemaPath, resources: [], formatAssertion: false)
        } catch {
            return usage("\(error)")
        }
        guard let corpus = Corpus(path: corpusPath) else { return usage("cannot read \(corpusPath)") }
        print("corpus: \(corpus.lines.count) messages, \(corpus.bytes.count) bytes; schema: \(schemaPath)")

        let parseOnly = best(of: repeats) { corpus.run(threads: 1) { _ in true } }
        report("swift-jsoncore-parse-only-1-thread", parseOnly, corpus)
        let parsed = corpus.parsed()
        let validationOnly = best(of: repeats) {
            measure(threads: 1) { _ in parsed.reduce(0) { $0 + (schema.isValid($1) ? 0 : 1) } }
        }
        report("swift-isvalid-only-1-thread", validationOnly, corpus)
        for threads in threadCounts {
            let measured = best(of: repeats) { corpus.run(threads: threads) { schema.isValid($0) } }
            report("swift-validate-\(threads)-thread\(threads == 1 ? "" : "s")", measured, corpus)
        }
        return 0
    }

    private static func usage(_ message: String) -> Int32 {
        writeStandardError("usage-audit-bench validate: \(message)")
        return 2
    }

    private static func best(of repeats: Int, _ body: () -> Run) -> Run {
        var best: Run?
        for _ in 0..<repeats {
            let run = body()
            if best == nil || run.seconds < best!.seconds { best = run }
        }
        return best!
    }

    private static func report(_ name: String, _ run: Run, _ corpus: Corpus) {
        let rate = Double(corpus.lines.count) / run.seconds
        let cpuRate = Double(corpus.lines.count) / run.cpuSeconds
        print("RESULT \(name) \(Int(rate)) \(run.invalid) cpu=\(Int(cpuRate))")
    }
}

/// An NDJSON file in memory, split into lines once.
final class Corpus: @unchecked Sendable {
    let bytes: [UInt8]
    let lines: [Range<Int>]

    /// The values of every line that parses (for measuring validation alone).
    func parsed() -> [JSONValue] {
        bytes.withUnsafeBytes { raw in lines.compactMap { try? JSONValue.parse(UnsafeRawBufferPointer(rebasing: raw[$0])) } }
    }

    init?(path: String) {
        guard let bytes = try? FileSystem.readBytes(path, atMost: .max - 1) else { return nil }
        var lines: [Range<Int>] = []
        var start = 0
        for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            if i > start { lines.append(start..<i) }
            start = i + 1
        }
        if start < bytes.count { lines.append(start..<bytes.count) }
        self.bytes = bytes
        self.lines = lines
    }

    /// Parses every line with JSONCore and applies `check`, the lines split evenly between `threads`.
    /// A line that does not parse counts as invalid.
    func run(threads: Int, _ check: @escaping @Sendable (JSONValue) -> Bool) -> Run {
        measure(threads: threads) { part in
            let slice = self.lines.count * part / threads..<self.lines.count * (part + 1) / threads
            var invalid = 0
            self.bytes.withUnsafeBytes { raw in
                for line in self.lines[slice] {
                    do {
                        if !check(try JSONValue.parse(UnsafeRawBufferPointer(rebasing: raw[line]))) { invalid += 1 }
                    } catch {
                        invalid += 1
                    }
                }
            }
            return invalid
        }
    }
}

/// One timed run: wall-clock seconds, the busiest thread's CPU seconds, and the invalid count.
struct Run {
    let seconds: Double
    let cpuSeconds: Double
    let invalid: Int
}

/// Runs `work(part)` on `threads` threads at once; each returns its invalid count.
func measure(threads: Int, _ work: @escaping @Sendable (Int) -> Int) -> Run {
    let counts = PerThread(threads)
    let start = ContinuousClock.now
    DispatchQueue.concurrentPerform(iterations: threads) { part in
        let cpuStart = threadCPUSeconds()
        let invalid = work(part)
        counts.set(part, invalid: invalid, cpu: threadCPUSeconds() - cpuStart)
    }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return Run(seconds: seconds, cpuSeconds: counts.maxCPU, invalid: counts.totalInvalid)
}

private func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Per-thread results; each thread writes only its own slot, read after all have finished.
final class PerThread: @unchecked Sendable {
    private var invalid: [Int]
    private var cpu: [Double]
    init(_ count: Int) {
        invalid = Array(repeating: 0, count: count)
        cpu = Array(repeating: 0, count: count)
    }
    func set(_ index: Int, invalid: Int, cpu: Double) {
        self.invalid[index] = invalid
        self.cpu[index] = cpu
    }
    var totalInvalid: Int { invalid.reduce(0, +) }
    var maxCPU: Double { cpu.max() ?? 0 }
}
