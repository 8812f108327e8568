import AuditInputs
import AuditModel
import AuditRules
import Foundation
import TestSupport
import Testing

/// A message is identified by its content: sightings of it in several inputs, or on several interfaces of
/// one capture, are one message observed several times, reported once.
@Suite("messages and their observations")
struct ObservationTests {
    static let sender = NetworkEvidence(
        from: "10.20.0.13:41003", to: "192.0.2.77:50077", time: "2026-11-20T10:00:03.000000Z", interface: "eth0")

    /// Feeds `records` (input number, interface, payload) to one checker, as a run over several inputs would.
    func check(
        _ records: [(input: Int, interface: Int, payload: String)], capacity: Int = 100_000
    ) throws -> (messages: [AuditedMessage], findings: [Finding], forgotten: Int) {
        let checker = try Checker(configuration: CheckConfiguration(observationCapacity: capacity))
        var messages: [AuditedMessage] = [], findings: [Finding] = []
        for (i, record) in records.enumerated() {
            var network = Self.sender
            network.interface = "if\(record.interface)"
            let step = checker.check(
                InputRecord(
                    locator: .packet(i + 1), payload: .datagram(Array(record.payload.utf8)), network: network,
                    interface: record.interface),
                source: "input\(record.input)", input: record.input)
            messages += step.messages
            findings += step.findings
        }
        let last = checker.finish()
        return (messages + last.messages, findings + last.findings, checker.forgottenMessages)
    }

    @Test func theSameMessageInTwoInputsIsOneMessageObservedTwice() throws {
        let leaky = Parsl.start(level: 1, components: #""acme.Provider""#)
        let result = try check([(0, 0, leaky), (1, 0, leaky)])
        #expect(result.messages.count == 1)
        #expect(result.messages[0].observations == 2)
        #expect(result.messages[0].observed.map(\.source) == ["input0", "input1"])
        // Reported once, at its first observation.
        #expect(Set(result.findings.map(\.source)) == ["input0"])
        #expect(result.findings.allSatisfy { $0.locator == .packet(1) })
    }

    @Test func aCaptureOnTwoInterfacesHoldsEachSendOnce() throws {
        let start = Parsl.start(level: 3), end = Parsl.end()
        let result = try check([(0, 0, start), (0, 1, start), (0, 1, end), (0, 0, end)])
        #expect(result.findings.isEmpty)  // no session.duplicate, nothing unpaired
        #expect(result.messages.map(\.observations) == [2, 2])
        #expect(result.messages[0].observed.map { $0.network?.interface } == ["if0", "if1"])
    }

    @Test func theSameMessageTwiceOnOneInterfaceIsTwoSends() throws {
        let start = Parsl.start(level: 1)
        let result = try check([(0, 0, start), (0, 0, start)])
        #expect(result.messages.count == 2)
        #expect(rules(result.findings) == ["session.duplicate"])
        // Seen again on another interface, each send gains its own observation.
        let both = try check([(0, 0, start), (0, 0, start), (0, 1, start), (0, 1, start)])
        #expect(both.messages.map(\.observations) == [2, 2])
        #expect(rules(both.findings) == ["session.duplicate"])
    }

    @Test func contentDecidesNotBytes() throws {
        // Key order and spacing differ between a datagram and what a log line decodes to; the value does not.
        let compact = #"1{"tracking_level": 1, "platform.system": "Linux", "python_v": "3.11.7", "parsl_v": "2026.10.26", "correlator": "\#(Parsl.correlator)"}"#
        let result = try check([(0, 0, Parsl.start(level: 1)), (1, 0, compact)])
        #expect(result.messages.count == 1)
        // A different value is a different message.
        let other = try check([(0, 0, Parsl.start(level: 1)), (1, 0, Parsl.start(level: 2))])
        #expect(other.messages.count == 2)
    }

    /// One input on one interface: every sighting is a send of its own, so messages go without an identity
    /// (the cost of one is a tenth of auditing) and the run is the same as with them.
    @Test func oneInputOnOneInterfaceNeedsNoIdentities() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ua-identity-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("repeats.wire").path
        let start = Parsl.start(level: 3), end = Parsl.end()
        let lines = [start, start, "1{broken", end, "1{broken", end, Parsl.start(level: 1, components: #""acme.P""#)]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        func run(identifying: Bool, capacity: Int = 100_000) throws
            -> (messages: [AuditedMessage], findings: [Finding], forgotten: Int)
        {
            let checker = try Checker(configuration: CheckConfiguration(observationCapacity: capacity))
            var messages: [AuditedMessage] = [], findings: [Finding] = []
            let reader = try InputOpener.open(path: path, kind: nil, port: 50077)
            #expect(!reader.mayHaveSeveralInterfaces)
            AuditRun(threads: 2).check(reader, checker: checker, identifyingContent: identifying) { step in
                messages += step.messages
                findings += step.findings
            }
            let last = checker.finish()
            return (messages + last.messages, findings + last.findings, checker.forgottenMessages)
        }
        let with = try run(identifying: true), without = try run(identifying: false)
        #expect(with.messages.count == lines.count && with.messages.allSatisfy { $0.observations == 1 })
        #expect(without.messages == with.messages)
        #expect(without.findings == with.findings)
        #expect(rules(with.findings).contains("session.duplicate"))
        // Released early for memory, a message without an identity forgets nothing a sighting could match.
        #expect(try run(identifying: true, capacity: 2).forgotten > 0)
        #expect(try run(identifying: false, capacity: 2).forgotten == 0)
        #expect(try run(identifying: false, capacity: 2).findings == with.findings)
    }

    /// A pcapng file may interleave interfaces: a single one still matches sightings.
    @Test func oneCaptureOfSeveralInterfacesStillMatchesSightings() throws {
        let path = Repository.path("Fixtures/handmade/fleet-two-interfaces.pcapng")
        #expect(try InputOpener.open(path: path, kind: nil, port: 50077).mayHaveSeveralInterfaces)
        let report = AuditRun(threads: 2).run([path], checker: try Checker(configuration: CheckConfiguration()))
        #expect(report.messages.contains { $0.observations > 1 })
        let classic = Repository.path("Fixtures/captures/lo-ethernet.pcap")
        #expect(try !InputOpener.open(path: classic, kind: nil, port: 50077).mayHaveSeveralInterfaces)
    }

    @Test func undecodableDatagramsAreMatchedByTheirBytes() throws {
        let result = try check([(0, 0, "1{broken"), (0, 1, "1{broken"), (0, 1, "1{broken!")])
        #expect(result.messages.map(\.observations) == [2, 1])
        #expect(rules(result.findings) == ["protocol.invalid-json", "protocol.invalid-json"])
    }

    @Test func matchingIsBoundedAndSaysWhenItForgets() throws {
        func start(_ i: Int) -> String { Parsl.start(level: 1, correlator: "0000000\(i)-0000-4000-8000-000000000000") }
        let result = try check([(0, 0, start(1)), (0, 0, start(2)), (0, 0, start(3)), (1, 0, start(1)), (1, 0, start(3))], capacity: 2)
        #expect(result.forgotten == 2)
        // start(1) left the window before its second sighting: a new message, and a duplicate session.
        #expect(result.messages.map(\.observations) == [1, 1, 2, 1])
        #expect(rules(result.findings) == ["session.duplicate"])
    }

    @Test func findingsCarryTheNetworkOfTheFirstObservation() throws {
        let result = try check([(0, 1, Parsl.start(level: 1, components: #""acme.Provider""#))])
        #expect(!result.findings.isEmpty)
        #expect(result.findings.allSatisfy { $0.network?.from == "10.20.0.13:41003" && $0.network?.interface == "if1" })
        #expect(result.messages[0].network?.time == "2026-11-20T10:00:03.000000Z")
    }

    /// A level-3 start naming user code, with no end: findings from the record rules (at its sighting) and
    /// from the session step (`start-without-end`, at the end of the run), seen in a log (no network
    /// evidence) and in a capture (evidence), in either order.
    @Test(arguments: [false, true])
    func findingsNameTheSenderWhateverTheOrderOfTheInputs(logFirst: Bool) throws {
        let leaky = Parsl.start(level: 3, components: #""acme.Provider""#)
        let logged = InputRecord(locator: .line(7), payload: .datagram(Array(leaky.utf8)))
        let captured = InputRecord(
            locator: .packet(3), payload: .datagram(Array(leaky.utf8)), network: Self.sender, interface: 0)
        let checker = try Checker(configuration: CheckConfiguration())
        checker.awaitsLaterEvidence = true  // as a run over several inputs does
        let inOrder = [("lo.pcap", captured), ("parsl.log", logged)]
        let sightings = logFirst ? inOrder.reversed() : inOrder
        var findings: [Finding] = [], messages: [AuditedMessage] = []
        for (input, (source, record)) in sightings.enumerated() {
            let step = checker.check(record, source: source, input: input)
            findings += step.findings
            messages += step.messages
        }
        let last = checker.finish()
        findings += last.findings
        messages += last.messages

        #expect(rules(findings).contains("privacy.user-code-identifier"))
        #expect(rules(findings).contains("session.start-without-end"))
        // Reported at the first sighting, with the sender of the first sighting that has one.
        #expect(findings.allSatisfy { $0.source == (logFirst ? "parsl.log" : "lo.pcap") })
        #expect(findings.allSatisfy { $0.network == Self.sender }, "\(findings.map { $0.network?.from ?? "none" })")
        #expect(messages.count == 1)
        #expect(messages[0].observations == 2)
    }

    /// Without any sighting that has network evidence, findings are still reported, without a sender.
    @Test func findingsOfMessagesSeenOnlyInLogsHaveNoSender() throws {
        let checker = try Checker(configuration: CheckConfiguration())
        checker.awaitsLaterEvidence = true
        let record = InputRecord(
            locator: .line(1), payload: .datagram(Array(Parsl.start(level: 1, components: #""acme.Provider""#).utf8)))
        let first = checker.check(record, source: "parsl.log", input: 0)
        let last = checker.finish()
        let findings = first.findings + last.findings
        #expect(rules(findings).contains("privacy.user-code-identifier"))
        #expect(findings.allSatisfy { $0.network == nil && $0.locator == .line(1) })
    }

    /// Findings waiting for a sender are bounded: beyond the limit, those that waited longest are reported
    /// without one, in order, and nothing is lost.
    @Test func findingsWaitingForASenderAreBounded() throws {
        let checker = try Checker(configuration: CheckConfiguration())
        checker.awaitsLaterEvidence = true
        let limit = Checker.findingsAwaitingEvidenceLimit
        var early: [Finding] = []
        // Each a level-1 start naming user code: at least one finding each.
        for i in 0..<(limit + 10) {
            let correlator = String(format: "%08x-0000-4000-8000-000000000000", i)
            let leaky = Parsl.start(level: 1, correlator: correlator, components: #""acme.Provider""#)
            let record = InputRecord(locator: .line(i + 1), payload: .datagram(Array(leaky.utf8)))
            early += checker.check(record, source: "parsl.log", input: 0).findings
        }
        #expect(!early.isEmpty, "some findings stopped waiting before the end of the run")
        #expect(early.first?.locator == .line(1), "the longest waiting first")
        let all = early + checker.finish().findings
        #expect(all.filter { $0.rule == "privacy.user-code-identifier" }.count == limit + 10)
        #expect(all.allSatisfy { $0.network == nil })
    }

    @Test func theObservedListIsBounded() throws {
        let start = Parsl.start(level: 1)
        let result = try check((0..<40).map { (0, $0, start) })
        #expect(result.messages.count == 1)
        #expect(result.messages[0].observations == 40)
        #expect(result.messages[0].observed.count == AuditedMessage.observedLimit)
    }

    @Test func aRunCountsDistinctMessagesAndEverySighting() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("usage-audit-observed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let wire = directory.appendingPathComponent("a.wire").path, again = directory.appendingPathComponent("b.wire").path
        try [Parsl.start(level: 3), Parsl.end()].joined(separator: "\n").write(toFile: wire, atomically: true, encoding: .utf8)
        try [Parsl.end(), Parsl.start(level: 3)].joined(separator: "\n").write(toFile: again, atomically: true, encoding: .utf8)
        let report = AuditRun(threads: 1).run([wire, again], checker: try Checker(configuration: CheckConfiguration()))
        #expect(report.messages.count == 2)
        #expect(report.observationCount == 4)
        #expect(report.inputs.map(\.messages) == [2, 2])
        #expect(report.findings.count == 0)
        #expect(report.forgottenMessages == 0)
    }
}

@Suite("network evidence")
struct NetworkEvidenceTests {
    @Test func timesAreRFC3339InUTCWithMicroseconds() {
        #expect(NetworkEvidence.rfc3339(seconds: 0, nanoseconds: 0) == "1970-01-01T00:00:00.000000Z")
        #expect(NetworkEvidence.rfc3339(seconds: 1_795_555_185, nanoseconds: 701_525_999) == "2026-11-24T21:19:45.701525Z")
        #expect(NetworkEvidence.rfc3339(seconds: 951_782_400, nanoseconds: 0) == "2000-02-29T00:00:00.000000Z")
        // Out-of-range fractions carry instead of trapping: a damaged capture may hold anything.
        #expect(NetworkEvidence.rfc3339(seconds: 0, nanoseconds: 1_500_000_000) == "1970-01-01T00:00:01.500000Z")
        #expect(NetworkEvidence.rfc3339(seconds: 0, nanoseconds: -1_000) == "1969-12-31T23:59:59.999999Z")
        #expect(NetworkEvidence.rfc3339(seconds: 0, nanoseconds: 1_795_555_185_701_525_999) == "2026-11-24T21:19:45.701525Z")
        _ = NetworkEvidence.rfc3339(seconds: .max, nanoseconds: .max)
        _ = NetworkEvidence.rfc3339(seconds: .min, nanoseconds: .min)
        // The first and last instants of four-digit years, and either side of them (five digits, a sign).
        #expect(NetworkEvidence.rfc3339(seconds: -62_135_596_800, nanoseconds: 0) == "0001-01-01T00:00:00.000000Z")
        #expect(NetworkEvidence.rfc3339(seconds: -62_167_219_200, nanoseconds: 0) == "0000-01-01T00:00:00.000000Z")
        #expect(NetworkEvidence.rfc3339(seconds: -62_167_219_201, nanoseconds: 0) == "-0001-12-31T23:59:59.000000Z")
        let lastOfFourDigits = NetworkEvidence.rfc3339(seconds: 253_402_300_799, nanoseconds: 999_999_999)
        #expect(lastOfFourDigits == "9999-12-31T23:59:59.999999Z")
        #expect(NetworkEvidence.rfc3339(seconds: 253_402_300_800, nanoseconds: 0) == "10000-01-01T00:00:00.000000Z")
    }

    /// Any time from 1600 to 9999 reads as the calendar says (Foundation's Gregorian calendar, which before
    /// 1582 is Julian, hence the start), with the microseconds of its nanoseconds.
    @Test func timesAgreeWithTheCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        var generator = SplitMix64(seed: 20261206)
        let (first, last): (Int64, Int64) = (-11_676_096_000, 253_402_300_799)
        for _ in 0..<5_000 {
            let seconds = first + Int64(generator.next() % UInt64(last - first + 1))
            let nanoseconds = Int64(generator.next() % 1_000_000_000)
            let parts = calendar.dateComponents(
                [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", parts.year!, parts.month!, parts.day!, parts.hour!,
                parts.minute!, parts.second!, Int(nanoseconds / 1000))
            #expect(NetworkEvidence.rfc3339(seconds: seconds, nanoseconds: nanoseconds) == expected, "\(seconds)")
        }
    }

    @Test func endpointsAndTheirAddresses() {
        #expect(NetworkEvidence.endpoint(address: "10.0.0.7", port: 41003) == "10.0.0.7:41003")
        #expect(NetworkEvidence.endpoint(address: "fe80::1", port: 50077) == "[fe80::1]:50077")
        #expect(NetworkEvidence.address(of: "[fe80::1]:50077") == "fe80::1")
        #expect(NetworkEvidence.address(of: "10.0.0.7:41003") == "10.0.0.7")
        #expect(NetworkEvidence.address(of: "10.0.0.7") == "10.0.0.7", "no port: all address")
        #expect(NetworkEvidence.address(of: "") == "")
        #expect(NetworkEvidence.address(of: "[fe80::1") == "[fe80:", "no closing bracket: cut at the last colon")
        #expect(NetworkEvidence.address(of: "höst.example:50077") == "höst.example")
    }

    /// The address is found in the endpoint's bytes; by `Character`, as it was found before, every endpoint
    /// of a random mix of digits, colons, brackets, dots and non-ASCII letters gives the same address.
    @Test func anEndpointsAddressFromItsBytesIsTheOneFoundByCharacter() {
        func byCharacter(_ endpoint: String) -> String {
            if endpoint.hasPrefix("["), let close = endpoint.firstIndex(of: "]") {
                return String(endpoint[endpoint.index(after: endpoint.startIndex)..<close])
            }
            guard let colon = endpoint.lastIndex(of: ":") else { return endpoint }
            return String(endpoint[..<colon])
        }
        var generator = SplitMix64(seed: 20261206)
        let pieces = ["1", "0", "255", ".", ":", "::", "[", "]", "fe80", "é", "ö", "a", "-", "%eth0"]
        for _ in 0..<5_000 {
            let endpoint = (0..<Int.random(in: 0...8, using: &generator))
                .map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(NetworkEvidence.address(of: endpoint) == byCharacter(endpoint), "\(endpoint)")
        }
    }
}
