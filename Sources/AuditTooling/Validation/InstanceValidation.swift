import AuditRules
import JSONCore
import JSONSchema
import SystemPackage

/// What `usage-audit validate` does with its instance files: each file as one JSON value, or with `ndjson`
/// each non-blank line, validated and handed to the report as soon as it is made. Memory stays flat however
/// long the input: a file is read through one buffer, a line or a file beyond `instanceLimit` bytes is an
/// invalid result without being kept, and no result outlives its writing.
public struct InstanceValidation {
    public let schema: Schema
    public var ndjson: Bool
    /// The largest instance (a whole file, or one NDJSON line) that is parsed.
    public var instanceLimit = JSONParseOptions.default.maxBytes
    /// Threads validating NDJSON lines. Lines are validated a batch at a time on every thread and their
    /// results written in line order, so the output is the same whatever the count.
    public var threads = 1

    public init(schema: Schema, ndjson: Bool) {
        self.schema = schema
        self.ndjson = ndjson
    }

    /// A file that could not be read: the file and, for NDJSON, the line being read, and the system's reason.
    public struct ReadFailure: Error, Sendable, CustomStringConvertible {
        public let file: String
        public let line: Int?
        public let reason: String
        public var description: String {
            "cannot read the instance '\(file)'\(line.map { " at line \($0)" } ?? ""): \(reason)"
        }
    }

    /// What a run met, beside its results: the counts are the report's.
    public struct Outcome: Sendable {
        /// The files that could not be read, each once; the run went on with the next file.
        public var readFailures: [ReadFailure] = []
        /// The output could not be written (a closed pipe, a full disk): the run stopped there.
        public var outputFailure: Errno?
    }

    /// Why each of `files` that cannot be opened cannot, before anything is read: a misspelt name is a usage
    /// error that stops the run before its first result.
    public static func unreadableFiles(_ files: [String]) -> [ReadFailure] {
        files.compactMap { file in
            InstanceFiles.whyUnreadable(file).map { ReadFailure(file: file, line: nil, reason: $0) }
        }
    }

    /// Validates every instance of every file in order, writing each result to `report` as it is made, and
    /// finishes the report. A file that fails to read is reported to `failed` when it fails, and the run goes
    /// on with the next one.
    public func run(files: [String], into report: inout ValidationReport, failed: (ReadFailure) -> Void) -> Outcome {
        var outcome = Outcome()
        for file in files {
            let failure = ndjson ? validateLines(of: file, into: &report) : validateWhole(file, into: &report)
            if let failure {
                outcome.readFailures.append(failure)
                failed(failure)
            }
            if report.failure != nil { break }
        }
        report.finish()
        outcome.outputFailure = report.failure
        return outcome
    }

    private func validateWhole(_ file: String, into report: inout ValidationReport) -> ReadFailure? {
        let read: InstanceFiles.WholeRead
        do {
            read = try InstanceFiles.withOpened(file) { InstanceFiles.readWhole($0, limit: instanceLimit) }
        } catch {
            return ReadFailure(file: file, line: nil, reason: "\(error)")
        }
        switch read {
        case .bytes(let bytes):
            report.write(
                bytes.withUnsafeBytes { InstanceResult(validating: $0, file: file, line: nil, against: schema) })
        case .tooLarge:
            report.write(InstanceResult(tooLargeFile: file, line: nil, limit: instanceLimit))
        case .failed(let reason):
            return ReadFailure(file: file, line: nil, reason: InstanceFiles.whyUnreadable(file) ?? "\(reason)")
        }
        return nil
    }

    private func validateLines(of file: String, into report: inout ValidationReport) -> ReadFailure? {
        let limit = instanceLimit
        var batch = LineBatch()
        // Validates the batch's lines on every thread and writes their results in line order.
        func flush() -> Bool {
            defer { batch.removeAll() }
            for result in batch.results(file: file, against: schema, limit: limit, threads: threads) {
                report.write(result)
                if report.failure != nil { return false }
            }
            return true
        }
        do {
            return try InstanceFiles.withOpened(file) { descriptor -> ReadFailure? in
                do throws(InstanceFiles.LineReadFailure) {
                    try InstanceFiles.forEachLine(of: descriptor, limit: limit) { number, line in
                        if let line {
                            var content = line
                            if content.last == UInt8(ascii: "\r") { content = UnsafeRawBufferPointer(rebasing: content.dropLast()) }
                            if content.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return true }
                            batch.add(number, content)
                        } else {
                            batch.addTooLarge(number)
                        }
                        return batch.isFull ? flush() : true
                    }
                    _ = flush()
                    return nil
                } catch {
                    // The lines read before the failure keep their results.
                    _ = flush()
                    // A file that fails at its first read (a folder) is unreadable as a whole, not at a line.
                    guard error.line > 1 else {
                        return ReadFailure(
                            file: file, line: nil, reason: InstanceFiles.whyUnreadable(file) ?? "\(error.reason)")
                    }
                    return ReadFailure(file: file, line: error.line, reason: "\(error.reason)")
                }
            }
        } catch {
            return ReadFailure(file: file, line: nil, reason: "\(error)")
        }
    }
}

/// NDJSON lines waiting to be validated together: their bytes in one buffer, bounded in lines and bytes
/// (a line beyond the instance limit never enters it), so memory stays flat.
struct LineBatch {
    static let maximumLines = 2048
    static let maximumBytes = 4 << 20

    private var text: [UInt8] = []
    /// Each line's number and its bytes in `text`, or `nil` for a line beyond the limit.
    private var lines: [(number: Int, range: Range<Int>?)] = []

    var isFull: Bool { lines.count >= Self.maximumLines || text.count >= Self.maximumBytes }

    mutating func add(_ number: Int, _ line: UnsafeRawBufferPointer) {
        let start = text.count
        text.append(contentsOf: line)
        lines.append((number, start..<text.count))
    }

    mutating func addTooLarge(_ number: Int) { lines.append((number, nil)) }

    mutating func removeAll() {
        text.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
    }

    /// The lines' results in line order, computed on up to `threads` threads.
    func results(file: String, against schema: Schema, limit: Int, threads: Int) -> [InstanceResult] {
        @Sendable func result(_ index: Int) -> InstanceResult {
            let (number, range) = lines[index]
            guard let range else { return InstanceResult(tooLargeFile: file, line: number, limit: limit) }
            return text.withUnsafeBytes { text in
                InstanceResult(
                    validating: UnsafeRawBufferPointer(rebasing: text[range]), file: file, line: number, against: schema)
            }
        }
        return ParallelWork.map(count: lines.count, threads: threads, result)
    }
}
