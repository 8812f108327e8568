import AuditModel
import Bytes
import Dispatch
import JSONCore
import Storage
import Testing

@testable import ReportWriters

@Suite struct JSONReportTests {
    let report = SampleReports.mixed()

    private func document() throws -> JSONValue {
        try JSONValue.parse(ReportWriter.render(report, format: .json))
    }

    @Test func hasTheContractsKeysInTheContractsOrder() throws {
        let document = try document()
        // The contract's keys in its order, then `inputs`, which names unreadable inputs.
        #expect(
            document.objectValue.map { Array($0.keys) } == [
                "tool", "format_version", "summary", "messages", "findings", "inputs",
            ])
        #expect(document["format_version"] == 2)
        #expect(document["tool"] == ["name": "usage-audit", "version": .string(UsageAuditVersion.current)])
        #expect(
            document["summary"]?.objectValue.map { Array($0.keys) } == [
                "inputs", "messages", "observations", "unparsed", "forgotten_messages", "findings", "baselined",
            ])
        #expect(document["summary"]?["findings"]?.objectValue.map { Array($0.keys) } == ["error", "warning", "note"])
        for message in document["messages"]?.arrayValue ?? [] {
            #expect(
                message.objectValue.map { Array($0.keys) } == [
                    "source", "locator", "kind", "level", "correlator", "generation", "findings",
                    "observations", "network", "observed",
                ])
        }
        for finding in document["findings"]?.arrayValue ?? [] {
            #expect(
                finding.objectValue.map { Array($0.keys) } == [
                    "rule", "severity", "source", "locator", "network", "pointer", "level", "correlator", "fingerprint",
                    "message",
                ])
        }
    }

    @Test func countsFollowTheReport() throws {
        let document = try document()
        #expect(
            document["summary"] == [
                "inputs": 4, "messages": 8, "observations": 8, "unparsed": 1, "forgotten_messages": 0,
                "findings": ["error": .integer(Int64(report.count(.error))), "warning": 3, "note": 2], "baselined": 0,
            ])
        #expect(document["messages"]?.arrayValue?.count == report.messages.count)
        #expect(document["findings"]?.arrayValue?.count == report.findings.count)
    }

    @Test func messagesAndFindingsCarryTheirValues() throws {
        let document = try document()
        let fingerprint = try #require(document["findings"]?[0]?["fingerprint"]?.stringValue)
        #expect(fingerprint.wholeMatch(of: /[0-9a-f]{32}:1/) != nil)
        #expect(
            document["messages"]?[0] == [
                "source": "captures/lo.pcap", "locator": ["packet": 5], "kind": "start", "level": 3,
                "correlator": "1253b942-5a7c-4c4e-9d1e-0f3b6a2c8e11", "generation": "G5", "findings": 3,
                "observations": 1, "network": .null,
                "observed": [["source": "captures/lo.pcap", "locator": ["packet": 5], "network": .null]],
            ])
        #expect(
            document["findings"]?[0] == [
                "rule": "privacy.user-code-identifier", "severity": "error", "source": "captures/lo.pcap",
                "locator": ["packet": 5], "network": .null, "pointer": "/components/2", "level": 3,
                "correlator": "1253b942-5a7c-4c4e-9d1e-0f3b6a2c8e11", "fingerprint": .string(fingerprint),
                "message":
                    "component 'acme_genomics.cluster.AcmeProvider' names code outside Parsl: it discloses the user's module and class names",
            ])
        // Unknown values are null, never absent; the whole message is the empty pointer.
        let undecodable = document["messages"]?.arrayValue?.first { $0["locator"] == ["packet": 14] }
        #expect(undecodable?["level"] == .null)
        #expect(undecodable?["kind"] == "unknown")
        let invalid = document["findings"]?.arrayValue?.first { $0["rule"] == "protocol.invalid-json" }
        #expect(invalid?["pointer"] == "")
        let wholeInput = document["findings"]?.arrayValue?.first { $0["rule"] == "capture.fragment-missing" }
        #expect(wholeInput?["locator"] == .null)
        // Lines locate `line`, not `packet`.
        #expect(document["findings"]?.arrayValue?.contains { $0["locator"] == ["line": 42] } == true)
    }

    @Test func unreadableInputsAreNamed() throws {
        let inputs = try #require(try document()["inputs"]?.arrayValue)
        #expect(inputs.count == report.inputs.count)
        #expect(inputs[0] == ["source": "captures/lo.pcap", "kind": "pcap", "messages": 4, "error": .null])
        #expect(
            inputs[3] == [
                "source": "missing.ndjson", "kind": "ndjson", "messages": 0, "error": "No such file or directory",
            ])
    }

    @Test func controlCharactersStayEscapedJSON() throws {
        let text = ReportWriter.render(report, format: .json)
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(text.contains(#"\u001b[31m"#))
        #expect(text.contains(#"\u0000x"#))
    }

    @Test func theEscapeCheckFlagsExactlyQuotesBackslashesAndControlCharacters() {
        func naive(_ bytes: [UInt8]) -> Bool { bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C } }
        // Every byte value at every position of strings one to thirty-five bytes long (the sixteen-byte steps,
        // the overlapping last sixteen, the two overlapping eights, the bytes one at a time), among harmless
        // neighbours of every kind (ASCII, UTF-8 continuation bytes, 0x7F, 0xFF).
        for filler in [UInt8(ascii: "a"), 0x80, 0x7F, 0xFF, 0x21, 0x5B, 0x5D, 0x23] {
            for length in 1...35 {
                for position in 0..<length {
                    for byte in UInt8.min...UInt8.max {
                        var bytes = [UInt8](repeating: filler, count: length)
                        bytes[position] = byte
                        let fast = bytes.withUnsafeBufferPointer(StringBytes.needsJSONEscape)
                        if fast != naive(bytes) {
                            Issue.record("byte \(byte) at \(position) of \(length) among \(filler): \(fast)")
                            return
                        }
                    }
                }
            }
        }
        #expect([UInt8]().withUnsafeBufferPointer(StringBytes.needsJSONEscape) == false)
    }

    @Test("occurrences are counted per identity as a dictionary counts them, through the table's growth")
    func occurrencesCountedPerIdentity() {
        var counts = Fingerprinter.OccurrenceCounts()
        var model: [Fingerprinter.HashPrefix: Int] = [:]
        var generator = SystemRandomNumberGenerator()
        // Prefixes that differ in one half only, and low halves alike in their low bits, as well as random ones.
        let prefixes = (0..<3_000).map { index -> Fingerprinter.HashPrefix in
            switch index % 3 {
            case 0: return .init(high: UInt64(index), low: 42)
            case 1: return .init(high: 7, low: UInt64(index) << 40)
            default: return .init(high: generator.next(), low: generator.next())
            }
        }
        for _ in 0..<20_000 {
            let prefix = prefixes[Int.random(in: 0..<prefixes.count, using: &generator)]
            model[prefix, default: 0] += 1
            #expect(counts.counting(prefix) == model[prefix]!)
        }
        #expect(counts.counting(.init(high: 1, low: 1)) == 1)
    }

    @Test func aFingerprintIsThirtyTwoHexDigitsAColonAndItsOccurrence() {
        let text = Fingerprinter.text(.init(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210), occurrence: 12)
        #expect(text == "0123456789abcdeffedcba9876543210:12")
        #expect(Fingerprinter.text(.init(high: 0, low: .max), occurrence: 1) == "0000000000000000ffffffffffffffff:1")
        // What the JSON report writes: the same text, quoted.
        for (prefix, occurrence) in [
            (Fingerprinter.HashPrefix(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210), 12),
            (Fingerprinter.HashPrefix(high: 0, low: .max), 1),
            (Fingerprinter.HashPrefix(high: .max, low: 0), 1_234_567),
        ] {
            let fingerprint = Fingerprint(prefix: prefix, occurrence: occurrence)
            var quoted = ByteBuffer()
            fingerprint.writeQuoted(to: &quoted)
            #expect(String(decoding: quoted.array, as: UTF8.self) == "\"" + fingerprint.text + "\"")
        }
    }

    /// Remembered hashes (and their forgetting past `rememberedForms`) change no fingerprint: each is the
    /// one a fingerprinter that never saw another finding gives, with its occurrence counted.
    @Test func rememberedIdentitiesGiveTheFingerprintsOfAFreshStart() {
        let redactor = Redactor(values: [(value: "alice@example.org", rule: Optional("privacy.personal-data"))])
        var fingerprinter = Fingerprinter(redactor: redactor)
        // More identities than are remembered, a multiple of three (the rule cycles through three) in each half.
        let half = 3 * (Fingerprinter.rememberedForms / 3 + 100), distinct = 2 * half
        for round in 1...2 {
            for index in 0..<distinct {
                let finding = Finding(
                    rule: index % 3 == 0 ? "privacy.personal-data" : "schema.violation", severity: .error,
                    source: "run.wire", locator: .line(index + 1),
                    pointer: JSONPointer(tokens: ["components", String(index % half)]), message: "m",
                    sensitiveValues: index % 3 == 0 ? ["alice@example.org"] : [])
                let fingerprint = fingerprinter.next(finding, messageKind: .start).text
                var fresh = Fingerprinter(redactor: redactor)
                let alone = fresh.next(finding, messageKind: .start).text
                // Two findings share each identity in a round (their pointers repeat), so each round adds two.
                let occurrence = (round - 1) * 2 + (index < half ? 1 : 2)
                #expect(fingerprint == alone.dropLast(2) + ":\(occurrence)", "\(index), round \(round)")
                if fingerprint != alone.dropLast(2) + ":\(occurrence)" { return }
            }
        }
    }

    /// Preparation fingerprints a spooled list from its records read in place, a list in memory (or read
    /// through a transform) from each finding's place: the same fingerprints either way, over sources that
    /// change and come back, more pointers than are remembered lately, tokens that need escaping, findings
    /// about a whole input, and one, two or repeated sensitive values.
    @Test func fingerprintsFromRecordsEqualThoseFromPlaces() {
        var findings: [Finding] = []
        for index in 0..<120 {
            let values: [String] =
                switch index % 5 {
                case 0: []
                case 1: ["alice@example.org"]
                case 2: ["/home/böb/run", "10.0.0.\(index % 7)"]
                case 3: ["x\(index % 4)", "x\(index % 4)", "alice@example.org"]
                default: ["node\(index % 9).cluster.example.edu"]
                }
            let tokens: [String] =
                // Pointers that come back soon (remembered) and, past the middle, more than are remembered.
                index % 4 == 0
                ? [] : ["components", String(index < 60 ? index % 5 : index % 23), index % 3 == 0 ? "a/b~c" : "c"]
            var finding = Finding(
                rule: index % 3 == 0 ? "privacy.personal-data" : "schema.violation", severity: .error,
                source: index % 11 < 5 ? "run.wire" : "other \"é\".pcap",
                locator: index % 13 == 0 ? nil : .line(index + 1), pointer: JSONPointer(tokens: tokens),
                message: "m", sensitiveValues: values)
            finding.subject = index % 2 == 0 ? Finding.Subject(kind: .start, region: nil) : nil
            findings.append(finding)
        }
        var spooled = AuditListBuilder<Finding>(configuration: SpoolConfiguration(memoryLimit: 0))
        for finding in findings { spooled.append(finding) }
        let onDisk = spooled.finish()
        #expect(onDisk.isSpooledToFile)
        let prepared = [AuditList(findings), onDisk].map { list in
            ReportPreparation.prepare(AuditReport(inputs: [], messages: [], findings: list, rules: []))
                .findings.map { $0.fingerprint ?? "none" }
        }
        #expect(prepared[0].count == findings.count)
        #expect(prepared[0] == prepared[1])
    }

    @Test func snapshot() throws {
        try assertSnapshot(ReportWriter.render(report, format: .json), named: "mixed.json")
    }
}

@Suite struct TextReportTests {
    let report = SampleReports.mixed()

    @Test func groupsByInputWithLocatorPointerRuleAndExplanation() {
        let text = ReportWriter.render(report, format: .text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "captures/lo.pcap (pcap, 4 messages)")
        #expect(lines.contains("  packet 5   error   privacy.user-code-identifier  at /components/2"))
        #expect(
            lines.contains {
                $0.hasSuffix(
                    "component 'acme_genomics.cluster.AcmeProvider' names code outside Parsl: it discloses the user's module and class names"
                )
            })
        #expect(lines.contains("  packet 14  error   protocol.invalid-json  at (whole message)"))
        #expect(lines.contains("  input      error   capture.fragment-missing  at (whole input)"))
        #expect(lines.contains("missing.ndjson (ndjson, 0 messages)"))
        #expect(lines.contains("  could not be read: No such file or directory"))
        #expect(
            text.hasSuffix(
                "Summary: 4 inputs (1 unreadable), 8 messages (1 unparsed); 16 errors, 3 warnings, 2 notes.\nResult: failed: an input could not be read.\n"
            ))
    }

    @Test func neverSendsControlCharactersToTheTerminal() {
        for color in [false, true] {
            let text = ReportWriter.render(report, format: .text, options: .init(color: color))
            let controls = text.unicodeScalars.filter { $0.value < 0x20 && $0 != "\n" }
            // Only the writer's own colour sequences may hold ESC, and only with colour on.
            #expect(controls.allSatisfy { $0 == "\u{1B}" } && (color || controls.isEmpty))
            #expect(text.contains(#"names code outside Parsl"#))
            #expect(text.contains(#"\u001b[31m]]>&\u0000x"#))
        }
    }

    @Test func colourOnlyWhenAsked() {
        #expect(!ReportWriter.render(report, format: .text).contains("\u{1B}["))
        let coloured = ReportWriter.render(report, format: .text, options: .init(color: true))
        #expect(coloured.contains("\u{1B}[1;31merror\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[33mwarning\u{1B}[0m"))
    }

    @Test func verdictFollowsFailOn() {
        let clean = SampleReports.clean()
        #expect(
            ReportWriter.render(clean, format: .text).hasSuffix(
                "Summary: 1 input, 2 messages (0 unparsed); 0 errors, 0 warnings, 0 notes.\nResult: passed (--fail-on error).\n"
            ))
        let many = SampleReports.many(6)
        #expect(
            ReportWriter.render(many, format: .text, options: .init(failOn: .error)).hasSuffix(
                "Result: failed: 2 findings at or above --fail-on error.\n"))
        #expect(
            ReportWriter.render(many, format: .text, options: .init(failOn: .warning)).hasSuffix(
                "Result: failed: 6 findings at or above --fail-on warning.\n"))
        #expect(
            ReportWriter.render(many, format: .text, options: .init(failOn: .never)).hasSuffix(
                "Result: passed (--fail-on never).\n"))
    }

    @Test func findingsMadeAtTheEndOfTheRunSitBesideTheirMessage() {
        var report = SampleReports.many(3)
        report.findings.append(
            Finding(
                rule: "session.start-without-end", severity: .note, source: "big.wire", locator: .line(2),
                message: "no end message"))
        let text = ReportWriter.render(report, format: .text)
        let places = text.split(separator: "\n").filter { $0.hasPrefix("  line") }.map {
            $0.split(separator: " ").prefix(3).joined(separator: " ")
        }
        #expect(places == ["line 1 warning", "line 2 warning", "line 2 note", "line 3 error"])
    }

    @Test func snapshots() throws {
        try assertSnapshot(ReportWriter.render(report, format: .text), named: "mixed.txt")
        try assertSnapshot(
            ReportWriter.render(report, format: .text, options: .init(color: true)), named: "mixed-color.txt")
        try assertSnapshot(ReportWriter.render(SampleReports.clean(), format: .text), named: "clean.txt")
    }
}

@Suite struct PrettyJSONTests {
    /// The fast path for strings must write exactly what JSONCore writes: the text reads back unchanged.
    @Test func roundTripsTrickyValues() throws {
        let value = try JSONValue.parse(
            #"{"q\"uote": "a\"b\\c", "ctl": "x\u0000\u001f\n\t", "uni": "été ☃ 😀", "n": [1, -2.5, 1e300, true, null, {}, []], "k/~": {"deep": [[["x"]]]}}"#
        )
        for inline in [false, true] {
            let text = PrettyJSON(inlineSmallContainers: inline).render(value)
            #expect(try JSONValue.parse(text) == value)
            let keys = try JSONValue.parse(text).objectValue.map { Array($0.keys) }
            #expect(keys == value.objectValue.map { Array($0.keys) })
        }
    }

    @Test func inlinesOnlySmallScalarContainers() {
        let value: JSONValue = [
            "a": ["packet": 5], "b": [1, 2], "c": .string(String(repeating: "x", count: 80)), "d": [["x": 1]],
            "e": [1, 2, 3, 4],
        ]
        #expect(
            PrettyJSON(inlineSmallContainers: true).render(.array([value])) == """
                [
                  {
                    "a": {"packet": 5},
                    "b": [1, 2],
                    "c": "\(String(repeating: "x", count: 80))",
                    "d": [
                      {"x": 1}
                    ],
                    "e": [
                      1,
                      2,
                      3,
                      4
                    ]
                  }
                ]
                """)
        // Only the shape decides, never the length of a value.
        #expect(
            PrettyJSON(inlineSmallContainers: true).render(["source": .string(String(repeating: "x", count: 500))])
                .hasPrefix("{\"source\""))
    }
}

@Suite("JSON report streaming")
struct JSONReportStreamingTests {
    /// `render` streams messages and findings; it must write exactly what rendering the whole document does.
    @Test(arguments: ["mixed", "clean", "many", "empty"])
    func streamedTextEqualsTheWholeDocument(_ name: String) {
        let report: AuditReport
        switch name {
        case "mixed": report = SampleReports.mixed()
        case "clean": report = SampleReports.clean()
        case "many": report = SampleReports.many(50)
        default: report = AuditReport(inputs: [], messages: [], findings: [], rules: [])
        }
        let json = JSONReport(report: report)
        #expect(json.render() == PrettyJSON(inlineSmallContainers: true).render(json.document()) + "\n")
    }

    /// Findings are written from their spooled records (or, in memory, from the record each would be):
    /// fields that need escapes, pointer tokens with `~` and `/`, network evidence with and without its
    /// optional members, and a spool on disk, all as the whole document has them.
    @Test func findingsWrittenFromTheirRecordsEqualTheWholeDocument() {
        var findings: [Finding] = []
        for (index, token) in ["a/b", "~0", "q\"uote", "tab\there", "é€😀", "", "plain"].enumerated() {
            var finding = Finding(
                rule: "privacy.personal-data", severity: Severity.allCases[index % 3], source: "in \"\\ \u{1}.pcap",
                locator: index == 0 ? nil : .packet(index), pointer: JSONPointer(tokens: ["components", token]),
                level: index % 2 == 0 ? nil : 3, correlator: index % 3 == 0 ? nil : "c\\\(index)",
                message: "line one\nline \u{7f} two \u{2028}", sensitiveValues: [token],
                fingerprint: index == 2 ? "00ff:1" : nil)
            if index % 2 == 1 {
                finding.network = NetworkEvidence(
                    from: "[fe80::1]:4\(index)", to: index == 3 ? nil : "10.0.0.1:50077",
                    time: "2026-12-05T00:00:00.000000Z", interface: index == 5 ? nil : "eth0 \"é\"")
            }
            findings.append(finding)
        }
        for list in inMemoryAndOnDisk(findings) {
            expectStreamedTextEqualsTheWholeDocument(AuditReport(inputs: [], messages: [], findings: list, rules: []))
        }
    }

    /// `elements` as a list in memory and as a list spooled to a file.
    private func inMemoryAndOnDisk<Element: AuditListElement>(_ elements: [Element]) -> [AuditList<Element>] {
        var spooled = AuditListBuilder<Element>(configuration: SpoolConfiguration(memoryLimit: 0))
        for element in elements { spooled.append(element) }
        let onDisk = spooled.finish()
        #expect(onDisk.isSpooledToFile)
        return [AuditList(elements), onDisk]
    }

    private func expectStreamedTextEqualsTheWholeDocument(_ report: AuditReport) {
        let json = JSONReport(report: report)
        #expect(json.render() == PrettyJSON(inlineSmallContainers: true).render(json.document()) + "\n")
    }

    /// Messages are written from their spooled records too: escapes, a kept payload stepped over, network
    /// evidence with and without its optional members, later sightings with and without evidence.
    @Test func messagesWrittenFromTheirRecordsEqualTheWholeDocument() {
        var messages: [AuditedMessage] = []
        for index in 0..<6 {
            var message = AuditedMessage(
                source: "in \"\\ \u{1}é.pcap", locator: index % 2 == 0 ? .packet(index + 1) : .line(index),
                kind: MessageKind.allCases[index % 3], level: index == 0 ? nil : index % 4,
                correlator: index == 1 ? nil : "c\\\(index)\n", generation: index == 2 ? nil : "G4/G5",
                parsed: index != 4, findings: index, payload: index % 2 == 0 ? ["k": [1, "v\"", .null]] : nil)
            if index % 2 == 1 {
                message.network = NetworkEvidence(
                    from: "[fe80::1]:4\(index)", to: index == 3 ? nil : "10.0.0.1:50077",
                    time: "2026-12-05T00:00:00.000000Z", interface: index == 5 ? nil : "eth0 \"é\"")
            }
            for sighting in 0..<index {
                message.addObservation(
                    Observation(
                        source: "other \(sighting)", locator: .record(sighting),
                        network: sighting % 2 == 0
                            ? nil : NetworkEvidence(from: "10.0.0.\(sighting):1", to: nil, time: "t\(sighting)")))
            }
            messages.append(message)
        }
        for list in inMemoryAndOnDisk(messages) {
            expectStreamedTextEqualsTheWholeDocument(AuditReport(inputs: [], messages: list, findings: [], rules: []))
        }
    }

    /// While the report is prepared on another thread, the findings are written as their fingerprints
    /// come: the same text as writing the prepared report, for spooled findings (several chunks of the feed)
    /// and for findings in memory.
    @Test func findingsFollowingAPreparationInFlightEqualThePreparedReport() {
        let count = FingerprintFeed.chunkSize * 2 + 7
        var findings: [Finding] = []
        for index in 0..<count {
            findings.append(
                Finding(
                    rule: index % 3 == 0 ? "privacy.personal-data" : "schema.type", severity: .error,
                    source: "in", locator: .line(index / 2 + 1), pointer: JSONPointer(tokens: ["a\(index % 5)"]),
                    message: "m \(index)", sensitiveValues: index % 3 == 0 ? ["alice@uni.edu"] : []))
        }
        for list in inMemoryAndOnDisk(findings) {
            let report = AuditReport(inputs: [], messages: [], findings: list, rules: [])
            let expected = JSONReport(report: ReportPreparation.prepare(report)).render()
            let preparation = ReportPreparation.InFlight(report, spool: .init())
            #expect(JSONReport(report: report, preparation: preparation).render() == expected)
            #expect(preparation.prepared.fingerprinted)
        }
    }
}

@Suite("Fingerprint feed")
struct FingerprintFeedTests {
    /// The `index`-th fingerprint a test publishes.
    private func fingerprint(_ index: Int) -> Fingerprint {
        Fingerprint(prefix: .init(high: UInt64(index), low: 0), occurrence: index + 1)
    }

    /// Publishes `count` fingerprints (`fingerprint(0)`, `fingerprint(1)`, ...) and closes, on a thread of
    /// its own; signals `done`.
    private func publish(_ count: Int, to feed: FingerprintFeed, done: DispatchSemaphore) {
        DispatchQueue.global().async {
            for index in 0..<count { feed.publish(fingerprint(index)) }
            feed.close()
            done.signal()
        }
    }

    @Test func theWriterGetsEveryFingerprintInOrderThenNil() {
        let feed = FingerprintFeed()
        let done = DispatchSemaphore(value: 0)
        let count = FingerprintFeed.capacity * 2 + 3
        publish(count, to: feed, done: done)
        var received: [Fingerprint?] = []
        while let chunk = feed.nextChunk() { received += chunk }
        #expect(received == (0..<count).map { fingerprint($0) })
        #expect(feed.nextChunk() == nil)
        #expect(done.wait(timeout: .now() + 10) == .success)
    }

    @Test func preparationWaitsForRoomAndAbandoningFreesIt() {
        let feed = FingerprintFeed()
        let done = DispatchSemaphore(value: 0)
        publish(FingerprintFeed.capacity + 2 * FingerprintFeed.chunkSize, to: feed, done: done)
        // Full: the preparing thread waits for the writer.
        #expect(done.wait(timeout: .now() + 0.5) == .timedOut)
        #expect(feed.nextChunk()?.first == fingerprint(0))
        feed.abandon()
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(feed.nextChunk() == nil)
    }
}
