import AuditModel
import Foundation
import JSONCore
import Testing

@testable import ReportWriters

@Suite struct SARIFReportTests {
    let report = SampleReports.mixed()
    static let schema = TestPaths.vendor.appendingPathComponent("sarif/sarif-schema-2.1.0.json")

    private func document(_ report: AuditReport, redact: Bool = false) throws -> JSONValue {
        try JSONValue.parse(ReportWriter.render(report, format: .sarif, options: .init(redact: redact)))
    }

    private func results(_ document: JSONValue) -> [JSONValue] { document["runs"]?[0]?["results"]?.arrayValue ?? [] }

    private func expectValid(_ validator: any SchemaValidating) throws {
        #expect(
            FileManager.default.fileExists(atPath: Self.schema.path),
            "the SARIF schema is missing from Vendor/sarif")
        for (name, sample) in [("mixed", report), ("clean", SampleReports.clean()), ("many", SampleReports.many(30))] {
            for redact in [false, true] {
                let sarif = ReportWriter.render(sample, format: .sarif, options: .init(redact: redact))
                let errors = try validator.errors(validating: sarif, against: Self.schema)
                #expect(errors.isEmpty, "\(validator.name): \(name) (redact \(redact)) is not valid SARIF: \(errors)")
            }
        }
    }

    /// A document with a bad level and a driver without a name: the check can fail.
    private func expectCaught(_ validator: any SchemaValidating) throws -> [String] {
        let broken = ReportWriter.render(report, format: .sarif)
            .replacing(#""level": "error""#, with: #""level": "fatal""#)
            .replacing(#""name": "usage-audit""#, with: #""title": "usage-audit""#)
        return try validator.errors(validating: broken, against: Self.schema)
    }

    @Test func validatesAgainstTheSARIFSchemaWithTheInHouseEngine() throws {
        try expectValid(SchemaValidators.inHouse)
    }

    @Test func theInHouseEngineCatchesAnInvalidLog() throws {
        let errors = try expectCaught(SchemaValidators.inHouse)
        #expect(errors.contains { $0.contains("fatal") || $0.contains("enum") })
        #expect(errors.contains { $0.hasPrefix("/runs/0/tool/driver") && $0.contains("name") })
    }

    @Test(
        .enabled(
            if: SchemaValidators.sarif != nil,
            "no reference validator: python3 with the jsonschema package is not installed"))
    func validatesAgainstTheSARIFSchemaWithPythonJSONSchema() throws {
        try expectValid(try #require(SchemaValidators.sarif))
    }

    @Test(
        .enabled(
            if: SchemaValidators.sarif != nil,
            "no reference validator: python3 with the jsonschema package is not installed"))
    func pythonJSONSchemaCatchesAnInvalidLog() throws {
        let errors = try expectCaught(try #require(SchemaValidators.sarif))
        #expect(errors.contains { $0.contains("'fatal' is not one of") })
        #expect(errors.contains { $0.hasPrefix("/runs/0/tool/driver") && $0.contains("'name' is a required property") })
    }

    @Test func driverListsTheWholeCatalogueAndResultsPointIntoIt() throws {
        let document = try document(report)
        #expect(document["version"] == "2.1.0")
        #expect(document["runs"]?.arrayValue?.count == 1)
        let driver = try #require(document["runs"]?[0]?["tool"]?["driver"])
        #expect(driver["name"] == "usage-audit")
        #expect(driver["version"] == .string(UsageAuditVersion.current))
        #expect(driver["informationUri"] == .string(ReportOptions.defaultInformationURI))
        let rules = try #require(driver["rules"]?.arrayValue)
        #expect(rules.map { $0["id"]?.stringValue } == SampleReports.rules.map(\.id))
        let personal = try #require(rules.first { $0["id"] == "privacy.personal-data" })
        #expect(personal["defaultConfiguration"]?["level"] == "error")
        #expect(personal["shortDescription"]?["text"]?.stringValue?.isEmpty == false)
        #expect(personal["help"]?["text"]?.stringValue?.isEmpty == false)
        #expect(rules.first { $0["id"] == "privacy.project-name" }?["defaultConfiguration"]?["level"] == "note")

        let results = results(document)
        #expect(results.count == report.findings.count)
        for (result, finding) in zip(results, report.findings) {
            #expect(result["ruleId"] == .string(finding.rule))
            #expect(result["level"] == .string(finding.severity.rawValue))
            #expect(result["message"]?["text"] == .string(finding.message))
            let ruleIndex = try #require(result["ruleIndex"]?.exactInteger)
            #expect(rules[Int(ruleIndex)]["id"] == .string(finding.rule))
        }
    }

    @Test func locationsCarryTheFileTheLocatorAndThePointer() throws {
        let results = results(try document(report))
        let first = results[0]
        let location = try #require(first["locations"]?[0])
        #expect(location["physicalLocation"]?["artifactLocation"]?["uri"] == "captures/lo.pcap")
        // A capture has no lines; without the frame's bytes the region is the start of the file.
        #expect(location["physicalLocation"]?["region"] == ["byteOffset": 0])
        #expect(
            location["logicalLocations"]?[0] == [
                "name": "2", "fullyQualifiedName": "packet 5/components/2", "kind": "element",
            ])
        #expect(first["properties"]?["locator"] == ["packet": 5])
        #expect(first["properties"]?["pointer"] == "/components/2")
        #expect(first["properties"]?["messageKind"] == "start")

        // A line-based input gives the line as a region, so code scanning can show it.
        let legacy = try #require(results.first { $0["ruleId"] == "privacy.forbidden-field" })
        #expect(legacy["locations"]?[0]?["physicalLocation"]?["region"] == ["startLine": 42])
        #expect(legacy["locations"]?[0]?["logicalLocations"]?[0]?["kind"] == "property")

        // A finding about the whole input has no logical location, and the start of the file as region.
        let whole = try #require(results.first { $0["ruleId"] == "capture.fragment-missing" })
        #expect(whole["locations"]?[0]?["logicalLocations"] == nil)
        #expect(whole["locations"]?[0]?["physicalLocation"]?["region"] == ["byteOffset": 0])
        #expect(results.allSatisfy { $0["locations"]?[0]?["physicalLocation"]?["region"] != nil })
    }

    @Test func aFrameOrRecordWithKnownBytesIsABinaryRegion() throws {
        var placed = report
        placed.findings = AuditList(report.findings.map { finding in
            var finding = finding
            if finding.locator == .packet(5) { finding.region = ByteRegion(offset: 1_024, length: 242) }
            return finding
        })
        let result = try #require(results(try document(placed)).first)
        #expect(result["locations"]?[0]?["physicalLocation"]?["region"] == ["byteOffset": 1_024, "byteLength": 242])
        // A finding without its own bytes takes its message's.
        var messagePlaced = report
        messagePlaced.messages = AuditList(report.messages.map { message in
            var message = message
            if message.locator == .packet(11) { message.region = ByteRegion(offset: 2_048, length: 100) }
            return message
        })
        let packet11 = results(try document(messagePlaced)).filter { $0["properties"]?["locator"] == ["packet": 11] }
        #expect(!packet11.isEmpty)
        for result in packet11 {
            #expect(result["locations"]?[0]?["physicalLocation"]?["region"] == ["byteOffset": 2_048, "byteLength": 100])
        }
    }

    @Test func everyRuleHasWhatCodeScanningShows() throws {
        let rules = try #require(try document(report)["runs"]?[0]?["tool"]?["driver"]?["rules"]?.arrayValue)
        #expect(rules.count == SampleReports.rules.count)
        for rule in rules {
            let id = rule["id"]?.stringValue ?? "?"
            #expect(rule["fullDescription"]?["text"]?.stringValue?.isEmpty == false, "\(id)")
            #expect(rule["help"]?["markdown"]?.stringValue?.contains("`\(id)`") == true, "\(id)")
            let tags = rule["properties"]?["tags"]?.arrayValue ?? []
            #expect(!tags.isEmpty, "\(id)")
            let score = try #require(rule["properties"]?["security-severity"]?.stringValue.flatMap(Double.init), "\(id)")
            #expect((0.0...10.0).contains(score), "\(id)")
        }
        func score(_ id: String) -> Double? {
            rules.first { $0["id"] == .string(id) }?["properties"]?["security-severity"]?.stringValue.flatMap(Double.init)
        }
        // A leak scores high, a broken protocol medium, a note low.
        #expect(try #require(score("privacy.personal-data")) >= 7.0)
        #expect(try #require(score("protocol.invalid-json")) < 7.0)
        #expect(try #require(score("protocol.invalid-json")) >= 4.0)
        #expect(try #require(score("privacy.project-name")) < 4.0)
        #expect(rules.first { $0["id"] == "privacy.personal-data" }?["properties"]?["tags"]?.arrayValue?.contains("security") == true)
    }

    @Test func aBaselineMarksResultsNewOrUnchanged() throws {
        let prepared = ReportPreparation.prepare(report)
        let first = try #require(prepared.findings.first?.fingerprint)
        let compared = ReportPreparation.prepare(
            report, suppressions: Suppressions(baseline: Baseline(path: "old.json", fingerprints: [first])))
        let states = results(try document(compared)).map { $0["baselineState"]?.stringValue }
        #expect(states.first == "unchanged")
        #expect(states.dropFirst().allSatisfy { $0 == "new" })
        // Without a baseline, no result claims to be new.
        #expect(results(try document(report)).allSatisfy { $0["baselineState"] == nil })
    }

    @Test func unreadableInputsAreExecutionNotifications() throws {
        let invocation = try #require(try document(report)["runs"]?[0]?["invocations"]?[0])
        #expect(invocation["executionSuccessful"] == false)
        #expect(
            invocation["toolExecutionNotifications"]?[0]?["message"]?["text"]
                == "could not read missing.ndjson: No such file or directory")
        let clean = try #require(try document(SampleReports.clean())["runs"]?[0]?["invocations"]?[0])
        #expect(clean["executionSuccessful"] == true)
    }

    /// A file of a folder that holds no usage input is a note of the run, with its reason: not an error, so
    /// the run stays successful; the log stays valid SARIF.
    @Test func skippedInputsAreNotesOfASuccessfulRun() throws {
        let report = AuditReport(
            inputs: [
                InputSummary(source: "runinfo/freeze.txt", kind: "none", skipped: "text with no usage message line"),
                InputSummary(source: "runinfo/lo.pcap", kind: "pcap", messages: 0),
            ],
            messages: [], findings: [], rules: [])
        let invocation = try #require(try document(report)["runs"]?[0]?["invocations"]?[0])
        #expect(invocation["executionSuccessful"] == true)
        let notes = invocation["toolExecutionNotifications"]?.arrayValue ?? []
        #expect(notes.count == 1)
        #expect(notes.first?["level"] == "note")
        #expect(notes.first?["message"]?["text"] == "skipped runinfo/freeze.txt: text with no usage message line")
        #expect(
            notes.first?["locations"]?[0]?["physicalLocation"]?["artifactLocation"]?["uri"] == "runinfo/freeze.txt")
        let sarif = ReportWriter.render(report, format: .sarif)
        #expect(try SchemaValidators.inHouse.errors(validating: sarif, against: Self.schema).isEmpty)
    }

    @Test(arguments: [
        ("captures/lo.pcap", "captures/lo.pcap"), ("/tmp/a b/lo.pcap", "file:///tmp/a%20b/lo.pcap"),
        (#"C:\captures\lo.pcap"#, "file:///C:/captures/lo.pcap"), ("-", "-"), ("été.log", "%C3%A9t%C3%A9.log"),
        ("a:b.log", "a%3Ab.log"),
    ])
    func inputNamesBecomeURIReferences(_ path: String, _ uri: String) {
        #expect(SARIFReport.uriReference(path) == uri)
    }

    private func fingerprints(_ document: JSONValue) -> [String] {
        results(document).map { $0["partialFingerprints"]?[Fingerprint.key]?.stringValue ?? "" }
    }

    @Test func fingerprintsAreStableAndDistinguishFindings() throws {
        let prints = fingerprints(try document(report))
        #expect(prints == fingerprints(try document(report)))
        #expect(Set(prints).count == prints.count)
        #expect(prints.allSatisfy { $0.wholeMatch(of: /[0-9a-f]{32}:[0-9]+/) != nil })
    }

    /// The next run of the same workflow has new correlators and other frame numbers; its findings are
    /// still the same findings.
    @Test func fingerprintsIgnoreCorrelatorsLocatorsAndMessageWording() throws {
        func shifted(_ locator: Locator) -> Locator {
            switch locator {
            case .packet(let n): .packet(n + 100)
            case .line(let n): .line(n + 7)
            case .record(let n): .record(n + 1)
            }
        }
        var rerun = report
        rerun.findings = AuditList(report.findings.map { finding in
            var finding = finding
            finding.correlator = finding.correlator.map { _ in "00000000-0000-4000-8000-000000000000" }
            finding.locator = finding.locator.map(shifted)
            finding.message += " (again)"
            return finding
        })
        rerun.messages = AuditList(report.messages.map { message in
            var message = message
            message.locator = shifted(message.locator)
            message.correlator = message.correlator.map { _ in "00000000-0000-4000-8000-000000000000" }
            return message
        })
        #expect(fingerprints(try document(rerun)) == fingerprints(try document(report)))
    }

    @Test func fingerprintsAreTheSameRedactedAndHoldNoPersonalValue() throws {
        let plain = fingerprints(try document(report))
        #expect(fingerprints(try document(report, redact: true)) == plain)
        let joined = plain.joined(separator: " ")
        for value in SampleReports.sensitive { #expect(!joined.contains(value)) }
    }

    @Test func aLeakRepeatedInEveryMessageIsOneResultPerMessage() throws {
        let prints = fingerprints(try document(SampleReports.many(4)))
        let hashes = Set(prints.map { $0.prefix(32) })
        // Lines 1, 2, 4 are warnings, line 3 an error: same rule, file and pointer, so one identity.
        #expect(hashes.count == 1)
        #expect(prints.map { $0.split(separator: ":").last! } == ["1", "2", "3", "4"])
    }

    @Test func snapshot() throws {
        try assertSnapshot(ReportWriter.render(report, format: .sarif), named: "mixed.sarif")
    }
}
