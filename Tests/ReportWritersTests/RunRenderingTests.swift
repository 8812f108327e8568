import Bytes
import Foundation
import JSONCore
import Storage
import Synchronization
import SystemPackage
import Testing

@testable import AuditModel
@testable import ReportWriters

/// Long spooled lists cut into runs (`AuditList.recordRuns()`), rendered on two threads and written in
/// order (`RunRendering`): the JSON report written that way is byte for byte what one thread writes.
@Suite struct RunRenderingTests {
    private static let spools = [SpoolConfiguration(memoryLimit: 0), SpoolConfiguration()]

    private static func finding(_ index: Int) -> Finding {
        var finding = Finding(
            rule: index % 3 == 0 ? "privacy.personal-data" : "schema.type", severity: Severity.allCases[index % 3],
            source: "in \"\(index % 2)\"", locator: index % 7 == 0 ? nil : .line(index / 2 + 1),
            pointer: JSONPointer(tokens: ["a\(index % 5)", "x/y"]), message: "m \(index)",
            sensitiveValues: index % 3 == 0 ? ["alice\(index % 4)@uni.edu"] : [])
        // Each says which message it is about, so that preparation has none to pair.
        finding.subject = Finding.Subject(kind: MessageKind.allCases[index % 3], region: nil)
        return finding
    }

    private static func spooled<Element: AuditListElement>(
        _ count: Int, _ spool: SpoolConfiguration, _ element: (Int) -> Element
    ) -> AuditList<Element> {
        var builder = AuditListBuilder<Element>(configuration: spool)
        for index in 0..<count { builder.append(element(index)) }
        return builder.finish()
    }

    /// Every record once, in order, in runs of `RecordRuns.length` (the last shorter), on disk and in memory.
    @Test(arguments: [1, RecordRuns.length, RecordRuns.length + 1, 2 * RecordRuns.length + 500])
    func runsHoldEveryRecordInOrder(_ count: Int) throws {
        for spool in Self.spools {
            let list = Self.spooled(count, spool, Self.finding)
            let runs = try #require(list.recordRuns())
            #expect(runs.count == (count + RecordRuns.length - 1) / RecordRuns.length)
            #expect(runs.dropLast().allSatisfy { $0.count == RecordRuns.length })
            var read: [Finding] = []
            for run in runs {
                run.forEachRecord { decoder throws(SpoolError) in read.append(try Finding(from: &decoder)) }
            }
            #expect(read == Array(list))
            #expect(list.readFailure == nil)
        }
    }

    /// Runs are records as stored: a list in memory, or one read through a transform, has none.
    @Test func onlyAListReadAsStoredHasRuns() {
        let findings = (0..<10).map(Self.finding)
        #expect(AuditList(findings).recordRuns() == nil)
        let spooled = Self.spooled(10, SpoolConfiguration(memoryLimit: 0), Self.finding)
        #expect(spooled.recordRuns()?.count == 1)
        #expect(spooled.mapElements { $0 }.recordRuns() == nil)
    }

    /// Whichever thread renders a run, runs are written in order, each once, and the ordered step sees them
    /// in order; runs that take longer on one thread than the other change nothing.
    @Test func runsAreWrittenInOrderWhoeverRendersThem() {
        let count = 40
        let ordered = Mutex<[Int]>([])
        var written: [UInt8] = []
        RunRendering.render(
            runs: count, worker: { Thread.current.hash },
            prepare: { _, run in
                // Uneven work, so that the two threads overtake each other.
                if run % 3 == 0 { usleep(UInt32(200 * (run % 5))) }
                return run * 2
            },
            order: { run, prepared in
                ordered.withLock { $0.append(run) }
                return prepared + 1
            },
            render: { _, run, context, text in
                #expect(context == run * 2 + 1)
                text.append(UInt8(run))
            },
            write: { $0.withUnsafeBytes { written.append(contentsOf: $0) } })
        #expect(written == (0..<count).map(UInt8.init))
        #expect(ordered.withLock { $0 } == Array(0..<count))
    }

    /// Messages in several runs: the same text as the whole document.
    @Test func messagesWrittenFromRunsEqualTheWholeDocument() {
        for spool in Self.spools {
            let messages = Self.spooled(2 * RecordRuns.length + 3, spool) { index in
                AuditedMessage(
                    source: "in", locator: .line(index + 1), kind: MessageKind.allCases[index % 3],
                    level: index % 4, correlator: "c\(index)", generation: "G4/G5", parsed: true, findings: index % 2)
            }
            #expect(messages.recordRuns()?.count == 3)
            let json = JSONReport(report: AuditReport(inputs: [], messages: messages, findings: [], rules: []))
            #expect(json.render() == PrettyJSON(inlineSmallContainers: true).render(json.document()) + "\n")
        }
    }

    /// Findings fingerprinted as they are written, in several runs, with identities that repeat across
    /// runs (their `:N` counts carry over) and findings about a whole input: the same text as writing the
    /// prepared report.
    @Test func findingsFingerprintedWhileWrittenEqualThePreparedReport() {
        for spool in Self.spools {
            let findings = Self.spooled(3 * RecordRuns.length + 11, spool, Self.finding)
            let report = AuditReport(inputs: [], messages: [], findings: findings, rules: [])
            #expect(findings.tally.unpaired == 0 && findings.recordRuns()?.count == 4)
            let expected = JSONReport(report: ReportPreparation.prepare(report)).render()
            #expect(ReportWriter.render(report, format: .json) == expected)
            #expect(JSONReport(report: report, fingerprintsWhileWriting: true).render() == expected)
            #expect(expected.contains(":4\""))
        }
    }

    /// A run that cannot be read back fails the report, as the list read in one pass does.
    @Test func aRunThatCannotBeReadBackFailsTheReport() throws {
        let findings = Self.spooled(2 * RecordRuns.length, SpoolConfiguration(memoryLimit: 0), Self.finding)
        let runs = try #require(findings.recordRuns())
        // The second run's first record claims more bytes than the spool holds after it.
        guard case .spool(let store, _, _) = findings.storage else {
            Issue.record("not spooled")
            return
        }
        store.patch(at: runs[1].start, with: [0xFF, 0xFF, 0xFF, 0x7F])
        store.flush()
        let report = AuditReport(inputs: [], messages: [], findings: findings, rules: [])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("runs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("report.json").path
        #expect(throws: ReportWriteError.self) {
            try ReportWriter.write(report, to: ReportTarget(format: .json, path: output))
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}

/// A piece as large as the output buffer is written where it lies, after what the buffer holds.
@Suite struct OutputBufferTests {
    @Test func aLargePieceIsWrittenAfterWhatTheBufferHolds() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID().uuidString)").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(descriptor >= 0)
        defer { unlink(path) }
        var output = OutputBuffer(descriptor: FileDescriptor(rawValue: descriptor), capacity: 16)
        output.append("head ")
        var large = ByteBuffer()
        for _ in 0..<40 { large.append(UInt8(ascii: "x")) }
        output.append(large)
        var small = ByteBuffer()
        small.append(UInt8(ascii: "!"))
        output.append(small)
        output.flush()
        close(descriptor)
        #expect(output.failure == nil)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "head " + String(repeating: "x", count: 40) + "!")
    }
}
