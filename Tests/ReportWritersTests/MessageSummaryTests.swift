import JSONCore
import Storage
import Testing

@testable import AuditModel

/// `AuditedMessage.Summary` reads the front of a spooled message record and skips the rest (the payload
/// above all): what it reads must be what the message holds, whatever comes after it in the record.
@Suite struct MessageSummaryTests {
    static func messages() -> [AuditedMessage] {
        var messages: [AuditedMessage] = []
        for index in 0..<12 {
            var message = AuditedMessage(
                source: index % 2 == 0 ? "capture.pcap" : "run.log",
                locator: index % 2 == 0 ? .packet(index) : .line(index),
                kind: [.start, .end, .unknown][index % 3], level: index % 4 == 0 ? nil : index % 4,
                correlator: index % 5 == 0 ? nil : "c\(index)", generation: index % 3 == 1 ? nil : "G\(index % 3)",
                parsed: index % 6 != 5, findings: index,
                payload: index % 2 == 0 ? ["components": ["parsl.config.Config", ["c": .integer(Int64(index))]]] : nil,
                region: index % 3 == 0 ? ByteRegion(offset: index * 10, length: 5) : nil,
                network: index % 4 == 1 ? NetworkEvidence(from: "10.0.0.1:1", to: nil, time: "t") : nil,
                parslVersion: "2025.01.13")
            if index % 5 == 2 { message.addObservation(Observation(source: "other.log", locator: .line(1))) }
            messages.append(message)
        }
        return messages
    }

    @Test func aSpooledSummaryIsTheMessages() {
        let messages = Self.messages()
        var builder = AuditListBuilder<AuditedMessage>(configuration: SpoolConfiguration(memoryLimit: 0))
        for message in messages { builder.append(message) }
        for list in [AuditList(messages), builder.finish()] {
            let summaries = Array(list.parts(AuditedMessage.Summary.self, from: AuditedMessage.Summary.init))
            #expect(summaries.count == messages.count)
            for (summary, message) in zip(summaries, messages) {
                #expect(summary.kind == message.kind)
                #expect(summary.level == message.level)
                #expect(summary.generation == message.generation)
                #expect(summary.parsed == message.parsed)
            }
        }
    }
}
