import AuditRules
import JSONCore
import JSONSchema
import SystemPackage

/// What `usage-audit validate` does with its instance files: each file as one JSON value, or with `ndjson`
/// each non-blank line, validated and handed to the report in order (lines a few batches behind their
/// reading). Memory stays flat however long the input: a file is read through one buffer, at most
/// `batchesAhead + 1` batches of lines (each at most `LineBatch.maximumBytes`) wait for their results, a line
/// or a file beyond `instanceLimit` bytes is an invalid result without being kept, and no result outlives
/// its writing.
public struct InstanceValidation {
    public let schema: Schema
    public var ndjson: Bool
    /// The largest instance (a whole file, or one NDJSON line) that is parsed.
    public var instanceLimit = JSONParseOptions.default.maxBytes
    /// Threads validating NDJSON lines, the calling thread among them (it also reads the lines and writes the
    /// results). Batches of lines are validated in chunks on every thread and their results written in line
    /// order, so the output is the same whatever the count.
    public var threads = 1

    /// How many batches of lines are validated ahead of the one whose results are being written.
    static let batchesAhead = 2

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
        let (limit, schema) = (instanceLimit, schema)
        var batch = LineBatch()
        // Full batches are validated on the feed's threads while this one reads the next and writes the
        // results of the oldest, in line order; it validates lines itself while it waits for them.
        let feed = WorkFeed(threads: threads)
        defer { feed.close() }
        var inFlight: [PendingResults<InstanceResult>] = []
        var writing = true
        func writeOldest() {
            let results = inFlight.removeFirst().wait()
            for result in results where writing {
                report.write(result)
                if report.failure != nil { writing = false }
            }
        }
        func flush() -> Bool {
            if writing && !batch.isEmpty {
                inFlight.append(batch.results(file: file, against: schema, limit: limit, on: feed))
                batch = LineBatch()
            }
            while writing && inFlight.count > Self.batchesAhead { writeOldest() }
            return writing
        }
        func finish() {
            _ = flush()
            while !inFlight.isEmpty { writeOldest() }
        }
        do {
            return try InstanceFiles.withOpened(file) { descriptor -> ReadFailure? in
                do throws(InstanceFiles.LineReadFailure) {
                    try InstanceFiles.forEachLine(of: descriptor, limit: limit) { number, line in
                        if let line {
                            var content = line
                            if content.last == UInt8(ascii: "\r") {
                                content = UnsafeRawBufferPointer(rebasing: content.dropLast())
                            }
                            if content.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return true }
                            batch.add(number, content)
                        } else {
                            batch.addTooLarge(number)
                        }
                        return batch.isFull ? flush() : true
                    }
                    finish()
                    return nil
                } catch {
                    // The lines read before the failure keep their results.
                    finish()
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
    var isEmpty: Bool { lines.isEmpty }

    mutating func add(_ number: Int, _ line: UnsafeRawBufferPointer) {
        let start = text.count
        text.append(contentsOf: line)
        lines.append((number, start..<text.count))
    }

    mutating func addTooLarge(_ number: Int) { lines.append((number, nil)) }

    /// The lines' results, computed on the feed's threads, in line order from `wait()`.
    func results(file: String, against schema: Schema, limit: Int, on feed: WorkFeed) -> PendingResults<InstanceResult>
    {
        let batch = self
        return feed.map(count: lines.count) { index in
            let (number, range) = batch.lines[index]
            guard let range else { return InstanceResult(tooLargeFile: file, line: number, limit: limit) }
            return batch.text.withUnsafeBytes { text in
                InstanceResult(
                    validating: UnsafeRawBufferPointer(rebasing: text[range]), file: file, line: number, against: schema
                )
            }
        }
    }
}
