import Foundation
import CJansson
import JSONCore
import Storage

/// `usage-audit-bench parse FILE [--repeat N]`: what the JSON core costs over jansson's own parse, per
/// message, on the lines of FILE (one JSON message per line, or wire lines: a leading `1` is skipped).
///
/// Three loops over the same bytes, each timed as the best of `--repeat` rounds: jansson alone
/// (`json_loadb` + `json_decref`, the floor), `JSONValue.parse` (jansson plus the conversion into owned Swift
/// values and the error bookkeeping), and the difference per message.
enum ParseBenchmark {
    static func run(_ arguments: [String]) -> Int32 {
        guard let path = arguments.first else {
            writeStandardError("usage: usage-audit-bench parse FILE [--repeat N]")
            return 2
        }
        let rounds = option("--repeat", in: arguments).flatMap(Int.init) ?? 5
        guard let lines = BenchmarkInput.lines(of: path) else { return 2 }
        let messages = lines.map { line -> [UInt8] in line.first == UInt8(ascii: "1") ? Array(line.dropFirst()) : line }
        let bytes = messages.reduce(0) { $0 + $1.count }

        let janssonSeconds = best(of: rounds) {
            for message in messages {
                message.withUnsafeBufferPointer { raw in
                    var error = json_error_t()
                    let flags = JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL
                    raw.withMemoryRebound(to: CChar.self) { chars in
                        if let root = json_loadb(chars.baseAddress, chars.count, Int(flags), &error) { json_decref(root) }
                    }
                }
            }
        }
        var failures = 0
        let coreSeconds = best(of: rounds) {
            failures = 0
            for message in messages {
                do { _ = try JSONValue.parse(message) } catch { failures += 1 }
            }
        }
        let count = Double(messages.count)
        print("parse benchmark: \(messages.count) messages, mean \(bytes / max(messages.count, 1)) bytes, best of \(rounds)")
        print(String(format: "  jansson json_loadb+decref   %8.0f messages/s  %7.2f us/message", count / janssonSeconds, janssonSeconds / count * 1e6))
        print(String(format: "  JSONValue.parse             %8.0f messages/s  %7.2f us/message", count / coreSeconds, coreSeconds / count * 1e6))
        print(String(format: "  JSON core overhead          %+8.2f us/message (%.0f%% of jansson)", (coreSeconds - janssonSeconds) / count * 1e6, (coreSeconds / janssonSeconds - 1) * 100))
        if failures > 0 { print("  (\(failures) lines are not JSON and were rejected)") }
        return 0
    }
}

/// Timing and input helpers shared by the benchmarks.
func best(of rounds: Int, _ body: () -> Void) -> Double {
    var fastest = Double.infinity
    for _ in 0..<max(rounds, 1) {
        let start = now()
        body()
        fastest = min(fastest, now() - start)
    }
    return fastest
}

/// Seconds on the monotonic clock since the benchmark started: only differences of two readings mean anything.
func now() -> Double {
    let elapsed = ContinuousClock.now - benchmarkStart
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

private let benchmarkStart = ContinuousClock.now

func option(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

enum BenchmarkInput {
    /// The non-empty lines of a file, as bytes.
    static func lines(of path: String) -> [[UInt8]]? {
        let data: [UInt8]
        do {
            data = try FileSystem.readBytes(path, atMost: .max - 1)
        } catch {
            writeStandardError("cannot open \(path): \(error.reason)")
            return nil
        }
        return data.split(separator: 0x0A).map { Array($0) }
    }
}
