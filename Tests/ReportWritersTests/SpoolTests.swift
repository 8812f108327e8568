import AuditRules
import Foundation
import JSONCore
import Storage
import Testing

@testable import AuditModel
@testable import ReportWriters

/// Spooled reports: a run's messages and findings go to an unlinked temporary file beyond a memory limit,
/// and every writer reads them back (sorting and matching on disk when it needs another order) to the same
/// bytes as from memory.
@Suite struct SpoolTests {
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "usage-audit-spool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// A severity's and a message kind's ordinal (their spool tag and counting slot) is their place in
    /// `allCases`, and `byOrdinal` gives each back (the spool tests read whole reports back through them).
    @Test func ordinalsArePlacesInAllCases() {
        for (place, severity) in Severity.allCases.enumerated() {
            #expect(severity.ordinal == place && Severity.byOrdinal[place] == severity)
        }
        for (place, kind) in MessageKind.allCases.enumerated() {
            #expect(kind.ordinal == place && MessageKind.byOrdinal[place] == kind)
        }
    }

    /// Settings that put everything on disk at once and make every sort merge runs on several levels.
    static let onDisk = SpoolConfiguration(memoryLimit: 0, sortChunk: 5, mergeFanIn: 2)

    /// NDJSON lines a real audit meets, in a mix that exercises every writer: leaks, schema errors,
    /// undecodable lines, sessions whose end comes later, and level-3 starts whose end never comes (their
    /// findings are made when the run ends, out of input order).
    static func corpusLine(_ number: Int) -> String {
        let correlator = String(format: "%08x-0000-4000-8000-%012x", number % 7919, number)
        switch number % 10 {
        case 0:
            return
                #"{"correlator": "\#(correlator)", "parsl_v": "2026.10.26", "python_v": "3.11.7", "platform.system": "Linux", "tracking_level": 3, "project_name": "user\#(number % 13)@uni.edu", "components": [{"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": false}, "acme_genomics.cluster.AcmeProvider"], "start": 1795555185}"#
        case 1:
            let started = String(format: "%08x-0000-4000-8000-%012x", (number - 1) % 7919, number - 1)
            return
                #"{"correlator": "\#(started)", "end": 1795555190.5, "execution_time": 99, "components": [{"c": "parsl.dataflow.dflow.DataFlowKernel", "app_count": 6, "app_fails": 1}]}"#
        case 2:
            return
                #"{"correlator": "\#(correlator)", "parsl_v": "2026.10.26", "python_v": "3.11.7", "platform.system": "Linux", "tracking_level": 2, "components": [{"c": "parsl.providers.LocalProvider", "worker_init": "source /home/u\#(number % 5)/env/bin/activate"}]}"#
        case 3:
            return
                #"{"uuid": "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "test": false, "parsl_v": "0.9.0", "python_v": "3.6.8", "os": "Linux", "os_v": "3.10.0", "uname": "3c2f1a9b0e", "hname": "a81f0c3d77", "start": 1593093412.9345}"#
        case 4:
            return
                #"{"correlator": "\#(correlator)", "tracking_level": 3, "start": 1795555185, "parsl_v": "2026.10.26"}"#
        default:
            return "not json \(number)"
        }
    }

    /// `lines` lines of `corpusLine`; with `cheapBeyond`, lines past the first `cheapBeyond` of every hundred
    /// are undecodable (each still a message with a finding), which the checker handles fastest.
    static func writeCorpus(lines: Int, cheapBeyond: Int = 100, to path: String) throws {
        var text = ""
        text.reserveCapacity(lines * 40)
        for number in 1...lines {
            text += (number % 100 < cheapBeyond ? corpusLine(number) : "not json \(number)") + "\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func check(_ path: String, spool: SpoolConfiguration, keepPayloads: Bool = true) throws -> AuditReport {
        var run = AuditRun(inputKind: nil, threads: 2)
        run.keepPayloads = keepPayloads
        run.spool = spool
        return run.run([path], checker: try Checker(configuration: CheckConfiguration()))
    }

    /// The report of 600 mixed lines three ways: checked with spools in memory, checked with spools on disk,
    /// and as the arrays the report held before spools existed.
    static func threeReports() throws -> (inMemory: AuditReport, spooled: AuditReport, arrays: AuditReport) {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("mixed.ndjson").path
        try Self.writeCorpus(lines: 600, to: path)
        let inMemory = try Self.check(path, spool: SpoolConfiguration())
        let spooled = try Self.check(path, spool: Self.onDisk)
        let arrays = AuditReport(
            inputs: inMemory.inputs, messages: Array(inMemory.messages), findings: Array(inMemory.findings),
            rules: inMemory.rules, disclosure: inMemory.disclosure)
        return (inMemory, spooled, arrays)
    }

    @Test func aSpooledReportRendersTheSameBytesAsOneInMemory() throws {
        let (inMemory, spooled, arrays) = try Self.threeReports()
        #expect(!inMemory.findings.isSpooledToFile && !inMemory.messages.isSpooledToFile)
        #expect(spooled.findings.isSpooledToFile && spooled.messages.isSpooledToFile)
        #expect(spooled.findings == inMemory.findings)
        #expect(spooled.messages == inMemory.messages)
        // The arrays, rendered by the same writers.
        for format in ReportFormat.allCases {
            for redact in [false, true] {
                let expected = ReportWriter.render(arrays, format: format, options: ReportOptions(redact: redact))
                let actual = ReportWriter.render(
                    spooled, format: format, options: ReportOptions(redact: redact, spool: Self.onDisk))
                #expect(actual == expected, "\(format), redact: \(redact)")
            }
        }
    }

    /// A format that shows no fingerprint and no message bytes is written without preparing the report
    /// (`ReportFormat.showsFingerprints`): what it writes must be what it writes from the prepared report. A
    /// writer that starts to show what preparation adds fails here until its format says so.
    @Test func formatsThatShowNoFingerprintsWriteTheSameWithoutPreparation() throws {
        let (inMemory, spooled, _) = try Self.threeReports()
        for report in [SampleReports.mixed(), inMemory, spooled] {
            let prepared = ReportPreparation.prepare(report)
            #expect(prepared.fingerprinted && !report.fingerprinted)
            for format in ReportFormat.allCases where !format.showsFingerprints {
                for redact in [false, true] {
                    let options = ReportOptions(redact: redact)
                    #expect(
                        ReportWriter.render(report, format: format, options: options)
                            == ReportWriter.render(prepared, format: format, options: options), "\(format)")
                }
            }
        }
        // The formats that show them differ.
        let report = SampleReports.mixed()
        for format in ReportFormat.allCases where format.showsFingerprints {
            let fingerprint = try #require(ReportPreparation.prepare(report).findings.first?.fingerprint)
            #expect(ReportWriter.render(report, format: format).contains(fingerprint), "\(format)")
        }
    }

    /// Suppressions drop findings through the amendments preparation spools beside them, and mark the
    /// baselined ones: every writer reads the same report from spools as from arrays.
    @Test func aSpooledReportWithSuppressionsRendersTheSameBytesAsOneInMemory() throws {
        let (inMemory, spooled, arrays) = try Self.threeReports()
        // Baseline every third fingerprint of the unsuppressed report; ignore the most frequent rule.
        let fingerprints = ReportPreparation.prepare(arrays).findings.compactMap(\.fingerprint)
        let baseline = Baseline(
            path: "baseline.json", fingerprints: Set(fingerprints.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)))
        let counts = Dictionary(grouping: inMemory.findings, by: \.rule).mapValues(\.count)
        let ignored = try #require(counts.max { $0.value < $1.value }?.key)
        let suppressions = Suppressions(ignoredRules: [ignored], baseline: baseline)
        let fromArrays = ReportPreparation.prepare(arrays, suppressions: suppressions)
        let fromSpools = ReportPreparation.prepare(spooled, suppressions: suppressions, spool: Self.onDisk)
        #expect(fromSpools.findings.count == inMemory.findings.count - counts[ignored]!)
        #expect(!fromSpools.findings.contains { $0.rule == ignored })
        #expect(fromSpools.baselinedCount > 0 && fromSpools.baselinedCount == fromArrays.baselinedCount)
        #expect(Array(fromSpools.findings) == Array(fromArrays.findings))
        #expect(Array(fromSpools.messages) == Array(fromArrays.messages))
        for format in ReportFormat.allCases {
            let expected = ReportWriter.render(fromArrays, format: format)
            let actual = ReportWriter.render(fromSpools, format: format, options: ReportOptions(spool: Self.onDisk))
            #expect(actual == expected, "\(format)")
        }
    }

    @Test func aLongInputStaysOnDiskAndItsReportIsComplete() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("long.ndjson").path
        let lines = 300_000
        try Self.writeCorpus(lines: lines, cheapBeyond: 10, to: path)
        let limit = 1 << 20
        let report = try Self.check(path, spool: SpoolConfiguration(memoryLimit: limit), keepPayloads: false)
        #expect(report.messages.count == lines)
        #expect(report.findings.count > lines / 2)
        #expect(report.messages.isSpooledToFile && report.findings.isSpooledToFile)
        // Beyond the limit only the unflushed tail of each spool stays in memory.
        #expect(report.messages.spooledBytesInMemory < limit)
        #expect(report.findings.spooledBytesInMemory < limit)
        #expect(report.spoolNotes.isEmpty)

        let output = directory.appendingPathComponent("long.json").path
        try ReportWriter.write(report, to: ReportTarget(format: .json, path: output))
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(
            text.hasPrefix("{\n  \"tool\": {\"name\": \"usage-audit\", \"version\": \"\(UsageAuditVersion.current)\"},")
        )
        #expect(text.contains("\"messages\": \(lines),"))
        #expect(text.ranges(of: "\n      \"rule\": ").count == report.findings.count)
        // Each message has a `kind`, and so has each input.
        #expect(text.ranges(of: "\n      \"kind\": ").count == lines + report.inputs.count)
        #expect(text.hasSuffix("]\n}\n"))
    }

    @Test func withoutATemporaryFileTheReportIsKeptInMemoryWithANote() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("mixed.ndjson").path
        try Self.writeCorpus(lines: 200, to: path)
        let missing = directory.appendingPathComponent("no-such-folder").path
        let report = try Self.check(path, spool: SpoolConfiguration(memoryLimit: 64, directory: missing))
        #expect(!report.findings.isSpooledToFile)
        #expect(report.spoolNotes.count == 1)
        #expect(report.spoolNotes.allSatisfy { $0.contains(missing) && $0.contains("kept in memory") })
        let reference = try Self.check(path, spool: SpoolConfiguration())
        #expect(report.findings == reference.findings)
        #expect(ReportWriter.render(report, format: .json) == ReportWriter.render(reference, format: .json))
    }

    @Test func aSpoolThatCannotBeReadBackFailsTheReportWithItsReason() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var builder = AuditListBuilder<Finding>(configuration: SpoolConfiguration(memoryLimit: 0))
        builder.append(Finding(rule: "test.rule", severity: .error, source: "in", locator: .line(1), message: "fine"))
        let good = builder.finish()
        // A list that claims a second record the spool does not hold.
        guard case .spool(let store, let start, let end) = good.storage else {
            Issue.record("not spooled")
            return
        }
        store.append([0x7F, 1, 2])
        store.flush()
        let damaged = AuditList<Finding>(store: store, start: start, end: store.length, count: 2, tally: good.tally)
        #expect(end < store.length)
        #expect(Array(damaged).count == 1)
        #expect(damaged.readFailure?.description.contains("cannot read back the spooled report") == true)

        let report = AuditReport(inputs: [], messages: [], findings: damaged, rules: [])
        let output = directory.appendingPathComponent("report.json").path
        #expect(throws: ReportWriteError.self) {
            try ReportWriter.write(report, to: ReportTarget(format: .json, path: output))
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func everyFieldSurvivesTheSpool() throws {
        // Built, not parsed: a decoded message may repeat a key (`protocol.duplicate-key`).
        let payload = JSONValue.object(
            JSONObject([
                ("a", .array([1, -2, .real(3.5), true, false, .null, .string("x\u{0}é")])),
                ("b", .object(JSONObject([("c", .object(JSONObject()))]))),
                ("a", .string("duplicate key kept")),
            ]))
        let messages = [
            AuditedMessage(
                source: "in", locator: .packet(3), kind: .start, level: 3, correlator: "c", generation: "G5",
                findings: 2, payload: payload),
            AuditedMessage(source: "in", locator: .line(Int.max), kind: .unknown, parsed: false),
            AuditedMessage(source: "", locator: .record(1), kind: .end, payload: .null),
            AuditedMessage(
                source: "j", locator: .record(2), kind: .start, region: ByteRegion(offset: 32, length: Int.max)),
            {
                var seen = AuditedMessage(
                    source: "cap", locator: .packet(1), kind: .end, payload: [1],
                    network: NetworkEvidence(from: "a:1", to: nil, time: "t", interface: "lo"))
                seen.parslVersion = "2025.01.13"
                seen.addObservation(Observation(source: "log", locator: .line(4)))
                seen.addObservation(
                    Observation(
                        source: "cap", locator: .packet(9),
                        network: NetworkEvidence(from: "b:2", to: "c:3", time: "u", interface: nil)))
                return seen
            }(),
        ]
        let someFindings = [
            Finding(rule: "r", severity: .note, source: "in", locator: nil, message: "whole input"),
            Finding(
                rule: "r.s", severity: .warning, source: "in", locator: .record(-1),
                pointer: JSONPointer(tokens: ["a/b", "~", ""]),
                level: 0, correlator: "x", message: "m", sensitiveValues: ["v", ""]),
            Finding(
                rule: "r", severity: .error, source: "in", locator: .packet(9), message: "placed",
                fingerprint: "0123:2", baselined: true, region: ByteRegion(offset: 0, length: 1)),
        ]
        // Longer than a read buffer: read across several refills, and after it the next record still lines up.
        let long = String(repeating: "long message ", count: 20_000)
        let findings =
            someFindings + [Finding(rule: "r", severity: .error, source: "in", locator: .line(2), message: long)]
            + someFindings
        var messageBuilder = AuditListBuilder<AuditedMessage>(configuration: SpoolConfiguration(memoryLimit: 0))
        var findingBuilder = AuditListBuilder<Finding>(configuration: SpoolConfiguration(memoryLimit: 0))
        for message in messages { messageBuilder.append(message) }
        for finding in findings { findingBuilder.append(finding) }
        let spooledMessages = messageBuilder.finish(), spooledFindings = findingBuilder.finish()
        #expect(Array(spooledMessages) == messages)
        #expect(Array(spooledFindings) == findings)
        #expect(spooledMessages.tally.unparsed == 1)
        #expect(spooledFindings.tally.count(.warning) == 2 && spooledFindings.tally.count(.note) == 2)
        #expect(spooledFindings.tally.count(.error) == 3 && spooledFindings.isSpooledToFile)
        #expect(spooledFindings.tally.baselined == 2 && spooledFindings.tally.baselined(.error) == 2)
        // A payload of JSON null is a payload, not the absence of one.
        #expect(Array(spooledMessages)[2].payload == .some(.null))
        #expect(Array(spooledMessages)[1].payload == nil)
    }

    @Test func placesReadFromTheFrontOfASpooledRecordMatchTheWholeElement() {
        let findings = [
            Finding(rule: "r", severity: .note, source: "in", locator: nil, message: "whole input"),
            Finding(
                rule: "r.s", severity: .warning, source: "src", locator: .record(-1),
                pointer: JSONPointer(tokens: ["a/b", "~", ""]), level: 0, correlator: "x", message: "m",
                sensitiveValues: ["v", "", "alice@uni.edu"], fingerprint: "ab:1", region: ByteRegion(offset: 4, length: 9)),
        ]
        let messages = [
            AuditedMessage(source: "in", locator: .packet(3), kind: .start, level: 3, correlator: "c", payload: [1]),
            AuditedMessage(source: "j", locator: .record(2), kind: .end, region: ByteRegion(offset: 32, length: 7)),
        ]
        for configuration in [SpoolConfiguration(memoryLimit: 0), SpoolConfiguration()] {
            var findingBuilder = AuditListBuilder<Finding>(configuration: configuration)
            var messageBuilder = AuditListBuilder<AuditedMessage>(configuration: configuration)
            for finding in findings { findingBuilder.append(finding) }
            for message in messages { messageBuilder.append(message) }
            let spooledFindings = findingBuilder.finish(), spooledMessages = messageBuilder.finish()
            let findingPlaces = Array(spooledFindings.parts(Finding.Place.self, from: Finding.Place.init))
            #expect(findingPlaces.map(\.rule) == findings.map(\.rule))
            #expect(findingPlaces.map(\.severity) == findings.map(\.severity))
            #expect(findingPlaces.map(\.source) == findings.map(\.source))
            #expect(findingPlaces.map(\.locator) == findings.map(\.locator))
            #expect(findingPlaces.map(\.pointer) == findings.map(\.pointer))
            #expect(findingPlaces.map(\.sensitiveValues) == findings.map(\.sensitiveValues))
            let messagePlaces = Array(spooledMessages.parts(AuditedMessage.Place.self, from: AuditedMessage.Place.init))
            #expect(messagePlaces.map(\.source) == messages.map(\.source))
            #expect(messagePlaces.map(\.locator) == messages.map(\.locator))
            #expect(messagePlaces.map(\.kind) == messages.map(\.kind))
            #expect(messagePlaces.map(\.region) == messages.map(\.region))
            // Reading the fronts leaves the list whole for the next reader.
            #expect(Array(spooledFindings) == findings)
        }
        // A list in memory, or one that transforms what it reads, makes its parts from the elements.
        let redacted = AuditList(findings).mapElements { finding in
            var finding = finding
            finding.source = "masked"
            return finding
        }
        #expect(redacted.parts(Finding.Place.self, from: Finding.Place.init).map(\.source) == ["masked", "masked"])
    }

    /// What `amended` reads: the elements as stored, each changed or dropped by its amendment, counted as the
    /// caller counted the kept ones.
    struct Note: Spoolable {
        var text: String?
        init(_ text: String?) { self.text = text }
        func encode(to encoder: inout SpoolEncoder) { encoder.write(text) }
        init(from decoder: inout SpoolDecoder) throws(SpoolError) { text = try decoder.readOptionalString() }
    }

    @Test(arguments: [SpoolConfiguration(memoryLimit: 0), SpoolConfiguration()])
    func amendmentsChangeOrDropEachElementInStep(configuration: SpoolConfiguration) {
        let findings = (1...5).map {
            Finding(rule: "r\($0)", severity: $0 == 2 ? .error : .note, source: "in", locator: .line($0), message: "m")
        }
        var builder = AuditListBuilder<Finding>(configuration: configuration)
        for finding in findings { builder.append(finding) }
        let amendments = SpoolStore(configuration: configuration)
        var tally = AuditListTally()
        for (index, finding) in findings.enumerated() {
            let keep = index != 2
            amendments.append(record: Note(keep ? "fingerprint \(index)" : nil))
            if keep { tally.count(finding.severity, baselined: index == 1) }
        }
        let amended = builder.finish().amended(by: amendments, count: 4, tally: tally, keeps: { $0.text != nil }) {
            (finding: inout Finding, note: Note) in
            finding.fingerprint = note.text
            finding.baselined = note.text == "fingerprint 1"
        }
        #expect(amended.count == 4 && amended.tally.count(.error) == 1 && amended.tally.baselined == 1)
        #expect(amended.map(\.rule) == ["r1", "r2", "r4", "r5"])
        #expect(amended.map(\.fingerprint) == ["fingerprint 0", "fingerprint 1", "fingerprint 3", "fingerprint 4"])
        // Read twice, the same; redaction applies after the amendments; parts come from the amended elements.
        #expect(Array(amended) == Array(amended))
        let redacted = amended.mapElements { finding in
            var finding = finding
            finding.fingerprint = finding.fingerprint.map { "masked " + $0 }
            return finding
        }
        #expect(redacted.first?.fingerprint == "masked fingerprint 0")
        // Parts come from the fronts of the stored records, of the elements the amendments keep.
        #expect(amended.parts(Finding.Place.self, from: Finding.Place.init).map(\.rule) == ["r1", "r2", "r4", "r5"])
        #expect(redacted.parts(Finding.Place.self, from: Finding.Place.init).map(\.rule) == ["r1", "r2", "r4", "r5"])
        // An amended list amended again applies both.
        let again = SpoolStore(configuration: configuration)
        for index in 0..<4 { again.append(record: Note(index == 0 ? nil : "again")) }
        let twice = amended.amended(by: again, count: 3, tally: AuditListTally(), keeps: { $0.text != nil }) {
            (finding: inout Finding, note: Note) in
            finding.message = note.text!
        }
        #expect(twice.map(\.rule) == ["r2", "r4", "r5"])
        #expect(twice.map(\.fingerprint) == ["fingerprint 1", "fingerprint 3", "fingerprint 4"])
        #expect(twice.allSatisfy { $0.message == "again" })
    }

    @Test func unreadableAmendmentsEndTheListWithTheirReason() {
        var builder = AuditListBuilder<Finding>()
        for number in 1...3 { builder.append(Finding(rule: "r", severity: .note, source: "in", locator: .line(number), message: "m")) }
        let amendments = SpoolStore()
        amendments.append(record: Note("first"))
        amendments.append([0x7F, 1, 2])
        let amended = builder.finish().amended(by: amendments, count: 3, tally: AuditListTally(), keeps: { _ in true }) {
            (finding: inout Finding, note: Note) in
            finding.fingerprint = note.text
        }
        #expect(Array(amended).map(\.fingerprint) == ["first"])
        #expect(amended.parts(Finding.Place.self, from: Finding.Place.init).map(\.locator) == [.line(1)])
        #expect(amended.readFailure?.description.contains("cannot read back the spooled report") == true)
    }

    /// Text a writer keeps aside (the JUnit report's cases) comes back byte for byte, over any range, whether
    /// it is all in memory, all in the file, or partly in each, whatever the size of the pieces.
    @Test(arguments: [SpoolConfiguration(memoryLimit: 0), SpoolConfiguration(memoryLimit: 100), SpoolConfiguration()])
    func rawBytesComeBackPieceByPiece(configuration: SpoolConfiguration) {
        let store = SpoolStore(configuration: configuration)
        var expected: [UInt8] = []
        for size in [0, 1, 5, 99, 300, 2, 70_000, 17] {
            let chunk = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ size) }
            chunk.withUnsafeBytes { store.append(raw: $0) }
            expected += chunk
        }
        #expect(store.length == expected.count)
        if configuration.memoryLimit == 100 { #expect(store.usesFile && store.bytesInMemory > 0) }
        let readings = [(0..<expected.count, 7), (0..<expected.count, 64 * 1024), (3..<406, 1), (500..<500, 8)]
        for (range, pieceSize) in readings {
            var read: [UInt8] = []
            var largest = 0
            store.forEachPiece(of: range, pieceSize: pieceSize) { piece in
                read += piece
                largest = max(largest, piece.count)
            }
            #expect(read == Array(expected[range]), "\(range) by \(pieceSize)")
            #expect(largest <= pieceSize)
        }
        #expect(store.readFailure == nil)
    }

    @Test func externalSortIsStableOverManyRunsAndLevels() {
        let scratch = ScratchSpools(configuration: SpoolConfiguration(memoryLimit: 0, sortChunk: 7, mergeFanIn: 3))
        var sort = ReportSort<PlaceKey, Finding>(scratch: scratch)
        var expected: [(PlaceKey, String)] = []
        for position in 0..<1_000 {
            let key = PlaceKey(source: (position * 7919) % 13, locator: .line(position % 3), sequence: position)
            sort.add(Finding(rule: "r", severity: .note, source: "s", locator: nil, message: "\(position)"), key: key)
            expected.append((key, "\(position)"))
        }
        expected.sort { $0.0 < $1.0 }
        let sorted = sort.sorted()
        #expect(sorted.runCount > 0 && sorted.runCount <= 3)
        // Read twice: a writer may pass over the sorted elements more than once.
        for _ in 0..<2 {
            #expect(sorted.map(\.element.message) == expected.map(\.1))
        }
        #expect(scratch.readFailure == nil)
    }

    @Test(arguments: [false, true])
    func externalSortReadsElementsThatArrivedInOrderBackInTurn(lastArrivesEarly: Bool) {
        let scratch = ScratchSpools(configuration: SpoolConfiguration(memoryLimit: 0, sortChunk: 7, mergeFanIn: 3))
        var sort = ReportSort<PlaceKey, Finding>(scratch: scratch)
        var keys = (0..<200).map { PlaceKey(source: $0 / 10, locator: .line($0 % 10), sequence: $0) }
        // One element out of place sends the whole sort down the merging path.
        if lastArrivesEarly { keys.insert(PlaceKey(source: -1, locator: nil, sequence: 999), at: 150) }
        for key in keys {
            sort.add(Finding(rule: "r", severity: .note, source: "s", locator: nil, message: "\(key.sequence)"), key: key)
        }
        let sorted = sort.sorted()
        // In order, the 29 runs of 7 are read one after another; out of order they are merged down to at
        // most the fan-in.
        #expect(lastArrivesEarly ? sorted.runCount <= 3 : sorted.runCount == 29)
        for _ in 0..<2 {
            #expect(sorted.map(\.key) == keys.sorted())
            #expect(sorted.map(\.element.message) == keys.sorted().map { "\($0.sequence)" })
        }
        #expect(scratch.readFailure == nil)
    }

    @Test func textAndJUnitPlaceLateFindingsBesideTheirMessage() {
        // A finding made after later messages (a session left open) and a message numbered before the one
        // it follows (a lost fragment), as the checker produces them.
        let messages = [
            AuditedMessage(source: "a.pcap", locator: .packet(5), kind: .start, findings: 1),
            AuditedMessage(source: "a.pcap", locator: .packet(9), kind: .start),
            AuditedMessage(source: "a.pcap", locator: .packet(2), kind: .unknown, parsed: false, findings: 1),
        ]
        let findings = [
            Finding(
                rule: "privacy.project-name", severity: .note, source: "a.pcap", locator: .packet(5), message: "first"),
            Finding(
                rule: "capture.fragment-missing", severity: .error, source: "a.pcap", locator: .packet(2),
                message: "lost"),
            Finding(
                rule: "session.start-without-end", severity: .note, source: "a.pcap", locator: .packet(5),
                message: "late"),
            Finding(rule: "test.orphan", severity: .error, source: "a.pcap", locator: .packet(7), message: "orphan"),
        ]
        let report = AuditReport(
            inputs: [InputSummary(source: "a.pcap", kind: "pcap", messages: 3)], messages: messages, findings: findings,
            rules: [])
        let options = ReportOptions(spool: Self.onDisk)
        let text = ReportWriter.render(report, format: .text, options: options)
        let order = ["lost", "first", "late", "orphan"].map { text.range(of: "  \($0)\n")!.lowerBound }
        #expect(order == order.sorted())
        let junit = ReportWriter.render(report, format: .junit, options: options)
        #expect(junit.contains(#"<testsuite name="a.pcap" tests="4" failures="2" errors="0" skipped="0">"#))
        let caseNames = junit.matches(of: /<testcase classname="usage-audit.a_pcap" name="([^"]+)"/).map { String($0.1) }
        #expect(caseNames == ["packet 5 start", "packet 9 start", "packet 2 unknown", "packet 7 message"])
        let fifth = junit.range(of: #"name="packet 5 start""#)!.upperBound
        let ninth = junit.range(of: #"name="packet 9 start""#)!.lowerBound
        #expect(junit[fifth..<ninth].contains("late"))
        #expect(ReportWriter.render(report, format: .text) == text)
        #expect(ReportWriter.render(report, format: .junit) == junit)
    }
}
