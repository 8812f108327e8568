import Dispatch
import JSONCore
import JSONSchema

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `usage-audit-bench validate`: messages per second for parse + `isValid` over an NDJSON corpus, on one
/// thread and on several, plus JSONCore's parse-only rate (the share of the time the JSON core takes).
///
/// Prints one `RESULT <name> <messages/s> <invalid>` line per measurement for `Scripts/bench-validate`
/// to tabulate. Every measurement is the best of `--repeat` runs over the whole corpus.
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
            schema = try InstanceValidation.loadSchema(path: schemaPath, resources: [], formatAssertion: false)
        } catch {
            return usage("\(error)")
        }
        guard let corpus = Corpus(path: corpusPath) else { return usage("cannot read \(corpusPath)") }
        print("corpus: \(corpus.lines.count) messages, \(corpus.bytes.count) bytes; schema: \(schemaPath)")

        let parseOnly = best(of: repeats) { corpus.run(threads: 1) { _ in true } }
        report("swift-jsoncore-parse-only-1-thread", parseOnly, corpus)
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

    private static func best(of repeats: Int, _ body: () -> Corpus.Run) -> Corpus.Run {
        var best: Corpus.Run?
        for _ in 0..<repeats {
            let run = body()
            if best == nil || run.seconds < best!.seconds { best = run }
        }
        return best!
    }

    private static func report(_ name: String, _ run: Corpus.Run, _ corpus: Corpus) {
        let rate = Double(corpus.lines.count) / run.seconds
        print("RESULT \(name) \(Int(rate)) \(run.invalid)")
    }
}

/// An NDJSON file in memory, split into lines once.
final class Corpus: @unchecked Sendable {
    let bytes: [UInt8]
    let lines: [Range<Int>]

    struct Run {
        let seconds: Double
        let invalid: Int
    }

    init?(path: String) {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            bytes.append(contentsOf: chunk[0..<count])
            if count < chunk.count { break }
        }
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
        let counts = InvalidCounts(threads)
        let start = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: threads) { part in
            let slice = lines.count * part / threads..<lines.count * (part + 1) / threads
            var invalid = 0
            bytes.withUnsafeBytes { raw in
                for line in lines[slice] {
                    do {
                        if !check(try JSONValue.parse(UnsafeRawBufferPointer(rebasing: raw[line]))) { invalid += 1 }
                    } catch {
                        invalid += 1
                    }
                }
            }
            counts.set(part, invalid)
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Run(seconds: seconds, invalid: counts.total)
    }
}

/// Per-thread counters; each thread writes only its own slot, read after all have finished.
final class InvalidCounts: @unchecked Sendable {
    private var values: [Int]
    init(_ count: Int) { values = Array(repeating: 0, count: count) }
    func set(_ index: Int, _ value: Int) { values[index] = value }
    var total: Int { values.reduce(0, +) }
}
