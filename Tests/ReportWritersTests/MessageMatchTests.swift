import Storage
import Testing

@testable import AuditModel
@testable import ReportWriters

/// `MessageMatch` pairs each finding with the first message listed at its place. Messages listed in place
/// order are read as listed, others are sorted first: either way each finding gets the message the
/// definition names, and each group's messages come before its findings.
@Suite struct MessageMatchTests {
    /// A small deterministic generator, so that a failure names a seed that reproduces it.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func lists<Element: AuditListElement>(_ elements: [Element]) -> [AuditList<Element>] {
        var spooled = AuditListBuilder<Element>(configuration: SpoolConfiguration(memoryLimit: 0))
        for element in elements { spooled.append(element) }
        return [AuditList(elements), spooled.finish()]
    }

    @Test(arguments: 0..<40)
    func eachFindingGetsTheFirstMessageListedAtItsPlace(_ seed: Int) {
        var random = Generator(state: UInt64(seed))
        let sources = ["a.ndjson", "b.pcap"]
        func place() -> (String, Locator) {
            let source = sources[random.next(2)]
            let number = random.next(6) + 1
            return (source, source.hasSuffix("pcap") ? .packet(number) : .line(number))
        }
        // Even seeds list messages in place order (the usual input), odd ones in any order; both repeat places.
        var places = (0..<12).map { _ in place() }
        if seed % 2 == 0 {
            places.sort { ($0.0, PlaceKey.fields($0.1).number) < ($1.0, PlaceKey.fields($1.1).number) }
        }
        let messages = places.enumerated().map { index, place in
            AuditedMessage(source: place.0, locator: place.1, kind: .start, correlator: "m\(index)")
        }
        let findings = (0..<15).map { index -> Finding in
            let (source, locator) = place()
            return Finding(
                rule: "test.rule", severity: .warning, source: source, locator: index % 7 == 0 ? nil : locator,
                message: "f\(index)")
        }
        let ordinals = seed % 4 < 2 ? ["a.ndjson": 0, "b.pcap": 1] : ["b.pcap": 0, "a.ndjson": 1]
        let scratch = ScratchSpools(configuration: SpoolConfiguration(memoryLimit: 0, sortChunk: 3, mergeFanIn: 2))
        for messageList in Self.lists(messages) {
            for findingList in Self.lists(findings) {
                let report = AuditReport(inputs: [], messages: messageList, findings: findingList, rules: [])
                var paired: [String: String?] = [:]
                var messagesSeen = 0
                var seenPlaces: Set<String> = []
                MessageMatch.run(report, sourceOrdinal: ordinals, scratch: scratch) { event in
                    switch event {
                    case .message(let message, _, _):
                        messagesSeen += 1
                        seenPlaces.insert("\(message.source) \(message.locator)")
                    case .finding(let finding, _, let match):
                        paired[finding.message] = .some(match.flatMap { $0.0.decoded()?.correlator })
                        if let locator = finding.locator, let match {
                            #expect(seenPlaces.contains("\(finding.source) \(locator)"))
                            #expect(match.0.source == finding.source && match.0.locator == locator)
                        }
                    }
                }
                #expect(messagesSeen == messages.count, "seed \(seed)")
                #expect(paired.count == findings.count, "seed \(seed)")
                for finding in findings {
                    let expected = finding.locator.flatMap { locator in
                        messages.first { $0.source == finding.source && $0.locator == locator }?.correlator
                    }
                    #expect(paired[finding.message] == .some(expected), "seed \(seed): \(finding.message)")
                }
            }
        }
    }
}
