import AuditInputs
import AuditModel
import AuditRules
import Bytes
import Foundation
import JSONCore
import JSONSchema
import Storage
import Testing

@testable import ReportWriters

/// The SARIF of every committed fixture, as code scanning would receive it: valid against the SARIF 2.1.0
/// schema, and every result placed by a region that points where its message is: the line of a text
/// input, the record of its frame in a capture.
@Suite struct SARIFFixtureTests {
    /// Every fixture file: each file that has its expected findings beside it, and the files of a folder
    /// that has (a variant's expectations, `NAME.VARIANT.expected.json`, check a file listed already).
    static let fixtures: [String] = {
        let root = TestPaths.repositoryRoot.appendingPathComponent("Fixtures")
        let manager = FileManager.default
        let files = manager.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        var fixtures: Set<String> = []
        for expectation in files where expectation.hasSuffix(".expected.json") {
            let input = root.appendingPathComponent(String(expectation.dropLast(".expected.json".count))).path
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: input, isDirectory: &isFolder) else { continue }
            if !isFolder.boolValue {
                fixtures.insert(input)
                continue
            }
            for file in manager.enumerator(atPath: input)?.compactMap({ $0 as? String }) ?? [] {
                var inner: ObjCBool = false
                let path = input + "/" + file
                if manager.fileExists(atPath: path, isDirectory: &inner), !inner.boolValue { fixtures.insert(path) }
            }
        }
        return fixtures.sorted()
    }()

    /// The SARIF schema, compiled once for every fixture (as `InHouseJSONSchema` reads it).
    static let schema: Result<Schema, Error> = Result {
        let data = try Data(contentsOf: SARIFReportTests.schema)
        guard case .object(var document) = try JSONValue.parse(Array(data)) else {
            throw ValidatorFailure(description: "the SARIF schema is not a JSON object")
        }
        document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        document["id"] = nil
        return try Schema(
            compiling: .object(document), uri: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-schema")
    }

    static func sarif(of path: String) throws -> (text: String, kind: String) {
        let checker = try Checker(configuration: CheckConfiguration())
        let report = AuditRun(inputKind: nil, threads: 1).run([path], checker: checker)
        return (ReportWriter.render(report, format: .sarif), report.inputs.first?.kind ?? "")
    }

    @Test func thereAreFixturesOfEveryKind() {
        #expect(Self.fixtures.count >= 100)
        #expect(Self.fixtures.contains { $0.hasSuffix(".pcap") })
        #expect(Self.fixtures.contains { $0.hasSuffix(".pcapng") })
        #expect(Self.fixtures.contains { $0.hasSuffix(".wire") })
        #expect(Self.fixtures.contains { $0.hasSuffix(".parsl.log") })
    }

    @Test(arguments: fixtures)
    func everyResultIsValidSARIFWithARegionWhereItsMessageIs(_ path: String) throws {
        let schema = try Self.schema.get()
        let (text, kind) = try Self.sarif(of: path)
        let errors = schema.validate(try JSONValue.parse(text)).errors
        #expect(errors.isEmpty, "\(path): \(errors.prefix(3).map { "\($0.instanceLocation): \($0.error)" })")

        let file = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let lineCount = file.count { $0 == UInt8(ascii: "\n") } + 1
        let results = try JSONValue.parse(text)["runs"]?[0]?["results"]?.arrayValue ?? []
        for result in results {
            let rule = result["ruleId"]?.stringValue ?? "?"
            let region = try #require(
                result["locations"]?[0]?["physicalLocation"]?["region"], "\(path): \(rule) has no region")
            switch kind {
            case "pcap":
                let offset = try #require(region["byteOffset"]?.exactInteger, "\(path): \(rule): \(region)")
                guard let length = region["byteLength"]?.exactInteger else {
                    // Only a finding about the whole capture points at its start.
                    #expect(
                        result["properties"]?["locator"] == .null || rule == "capture.fragment-missing",
                        "\(path): \(rule)")
                    #expect(offset == 0)
                    continue
                }
                #expect(
                    Self.isFrameRecord(file, offset: Int(offset), length: Int(length)), "\(path): \(rule) at \(region)")
            default:
                let line = try #require(region["startLine"]?.exactInteger, "\(path): \(rule): \(region)")
                #expect((1...Int64(lineCount)).contains(line), "\(path): \(rule) at line \(line)")
                if let locator = result["properties"]?["locator"]?["line"] { #expect(locator == .integer(line)) }
            }
        }
    }

    /// Whether `offset..<offset+length` is one whole frame record of the capture `file`: a pcap record
    /// whose header's captured length accounts for its size, or a pcapng packet block whose length says so.
    static func isFrameRecord(_ file: [UInt8], offset: Int, length: Int) -> Bool {
        guard offset >= 0, length > 0, offset + length <= file.count, file.count >= 4 else { return false }
        func u32(_ at: Int, bigEndian: Bool) -> Int {
            let bytes = file[at..<(at + 4)].map(Int.init)
            return bigEndian
                ? bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]
                : bytes[3] << 24 | bytes[2] << 16 | bytes[1] << 8 | bytes[0]
        }
        if file[0..<4] == [0x0A, 0x0D, 0x0D, 0x0A] {
            let bigEndian = file[8..<12] == [0x1A, 0x2B, 0x3C, 0x4D]
            let type = u32(offset, bigEndian: bigEndian)
            return [2, 3, 6].contains(type) && u32(offset + 4, bigEndian: bigEndian) == length
        }
        let bigEndian = file[0] == 0xA1
        return offset >= 24 && u32(offset + 8, bigEndian: bigEndian) + 16 == length
    }
}

/// A journal's results point at their records: the bytes `listen` wrote for each datagram.
@Suite struct SARIFJournalRegionTests {
    @Test func eachResultIsItsRecordsBytes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "usage-audit-j-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("run.journal").path
        let payloads = [
            WritersOverACheckersReportTests.wireLines[0], WritersOverACheckersReportTests.wireLines[1],
            WritersOverACheckersReportTests.wireLines[4],
        ].map { Array($0.utf8) }
        let writer = try JournalWriter(path: path, createdAt: 1_795_555_185_000_000_000)
        let sender = JournalSender(family: .ipv4, address: [10, 0, 0, 5], port: 41_003)
        for (index, payload) in payloads.enumerated() {
            try payload.withUnsafeBytes {
                _ = try writer.append($0, receivedAt: 1_795_555_185_000_000_000 + Int64(index), sender: sender)
            }
        }
        writer.close()
        // The file header, then each record: its header and checksum around the payload.
        var records: [Int: (offset: Int, length: Int)] = [:]
        var offset = JournalFormat.headerBytes
        for (index, payload) in payloads.enumerated() {
            records[index + 1] = (offset, JournalFormat.recordOverheadBytes + payload.count)
            offset += JournalFormat.recordOverheadBytes + payload.count
        }
        let (text, kind) = try SARIFFixtureTests.sarif(of: path)
        #expect(kind == "journal")
        let results = try JSONValue.parse(text)["runs"]?[0]?["results"]?.arrayValue ?? []
        #expect(results.count >= 3)
        for result in results {
            let record = try #require(result["properties"]?["locator"]?["record"]?.exactInteger)
            let expected = try #require(records[Int(record)])
            #expect(
                result["locations"]?[0]?["physicalLocation"]?["region"]
                    == [
                        "byteOffset": .integer(Int64(expected.offset)), "byteLength": .integer(Int64(expected.length)),
                    ],
                "\(result["ruleId"] ?? .null)")
        }
    }
}

/// SARIF says what sits at a finding's pointer (`logicalLocations[0].kind`) from the decoded message, which a
/// run keeps only when a report reads it: `check --format sarif` must keep those of the messages findings
/// point at, not only when an HTML report is written beside it.
@Suite struct SARIFTargetKindTests {
    static let fixture = TestPaths.repositoryRoot.appendingPathComponent("Fixtures/handmade/personal-data.wire").path

    static func kinds(keepingFindingPayloads: Bool) throws -> [String] {
        let checker = try Checker(configuration: CheckConfiguration())
        var run = AuditRun(inputKind: nil, threads: 2)
        run.keepFindingPayloads = keepingFindingPayloads
        let report = run.run([fixture], checker: checker)
        let results = try JSONValue.parse(ReportWriter.render(report, format: .sarif))["runs"]?[0]?["results"]?
            .arrayValue
        return (results ?? []).compactMap { $0["locations"]?[0]?["logicalLocations"]?[0]?["kind"]?.stringValue }
    }

    @Test func eachFormatKeepsThePayloadsItReads() {
        #expect(ReportFormat.sarif.payloadUse == .messagesWithFindings)
        #expect(ReportFormat.html.payloadUse == .everyMessage)
        for format in ReportFormat.allCases where format != .sarif && format != .html {
            #expect(format.payloadUse == .none, "\(format)")
        }
    }

    @Test func aFindingAtAMemberSaysWhatSitsThere() throws {
        let kinds = try Self.kinds(keepingFindingPayloads: true)
        #expect(kinds.contains("property"))
        #expect(kinds.contains("element"))
        // Without the payloads, nothing can say it.
        #expect(try Self.kinds(keepingFindingPayloads: false).isEmpty)
    }
}

/// SARIF results are written straight as text (`SARIFReport.ResultWriter`), the layout `PrettyJSON` gives
/// the result as a value (`SARIFReport.result`): the two must give the same bytes for every shape a result
/// takes (with and without a rule index, place, region, target, message facts, network evidence, baseline).
@Suite struct SARIFResultWriterTests {
    static func findings() -> [Finding] {
        let locators: [Locator?] = [nil, .line(12), .packet(7), .record(3)]
        var findings: [Finding] = []
        for (index, locator) in locators.enumerated() {
            for variant in 0..<8 {
                var finding = Finding(
                    rule: "privacy.project-name", severity: [.error, .warning, .note][variant % 3],
                    source: variant % 2 == 0 ? "in put/\"odd\".pcap" : "run.log", locator: locator,
                    pointer: variant % 3 == 0 ? .root : JSONPointer(tokens: ["components", String(variant), "c~/d"]),
                    level: variant % 4 == 0 ? nil : variant % 4, correlator: variant % 5 == 0 ? nil : "uuid-\(index)",
                    message: "component 'x\u{1}<y>' names \"code\"\nat \(variant)", sensitiveValues: [],
                    fingerprint: variant == 7 ? nil : "abc:\(variant)", baselined: variant % 2 == 1,
                    region: variant % 3 == 1 ? ByteRegion(offset: 100 * variant, length: 60) : nil)
                if variant >= 5 {
                    finding.network = NetworkEvidence(
                        from: "10.0.0.1:5000", to: variant == 5 ? nil : "192.0.2.1:50077", time: "t",
                        interface: variant == 6 ? "eth0" : nil)
                }
                findings.append(finding)
            }
        }
        return findings
    }

    @Test(arguments: [false, true])
    func eachResultIsTheLayoutOfItsValue(_ baselineApplied: Bool) {
        var report = AuditReport(inputs: [], messages: [], findings: [], rules: [])
        report.baselineApplied = baselineApplied
        let sarif = SARIFReport(
            report: report, options: ReportOptions(), scratch: ScratchSpools(configuration: .init()))
        let printer = PrettyJSON(inlineSmallContainers: true)
        let sources = ["in put/\"odd\".pcap", "run.log"]
        let writer = SARIFReport.ResultWriter(
            sources: sources, baselineApplied: baselineApplied)
        let facts = [
            SARIFReport.MessageFacts(kind: nil, generation: nil, target: nil),
            SARIFReport.MessageFacts(kind: .start, generation: "G3", target: "property"),
            SARIFReport.MessageFacts(kind: .end, generation: nil, target: "element"),
        ]
        var compared = 0
        for (number, finding) in Self.findings().enumerated() {
            for message in facts {
                for inputKind in [nil, "pcap", "wire"] {
                    let artifact = sources.firstIndex(of: finding.source)!
                    let ruleIndex = number % 2 == 0 ? number : nil
                    var expected: [UInt8] = []
                    printer.write(
                        sarif.result(
                            finding, message: message, inputKind: inputKind, artifactIndex: artifact,
                            ruleIndex: ruleIndex), depth: 4, to: &expected)
                    var written = ByteBuffer()
                    writer.write(
                        finding, message: message, inputKind: inputKind, artifactIndex: artifact, ruleIndex: ruleIndex,
                        to: &written)
                    #expect(
                        String(decoding: written.array, as: UTF8.self) == String(decoding: expected, as: UTF8.self),
                        "finding \(number)")
                    compared += 1
                }
            }
        }
        #expect(compared == 32 * 9)
    }
}
