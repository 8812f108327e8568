import AuditModel
import Bytes
import JSONCore
import Storage
import Testing

@testable import ReportWriters

/// The text report writes each finding from its record's bytes (`TextReport.write`), and `ReportIndex`
/// counts from them: these hold that path to the text a person reads, character by character, for the
/// places where bytes and characters part (JSON Pointer escapes, control and bidirectional characters,
/// sender lines, negative and long locators), whether the findings were spooled or held in memory.
@Suite struct TextFromRecordTests {
    static let sender = NetworkEvidence(
        from: "10.0.0.5:41002", to: "192.0.2.1:50077", time: "2026-11-24T21:19:46.000020Z", interface: "eth\u{7}0")

    static func findings() -> [Finding] {
        var sent = Finding(
            rule: "privacy.personal-data", severity: .error, source: "a.pcap", locator: .packet(12),
            pointer: JSONPointer(tokens: ["a~b", "c/d", "e\u{1B}f", "g\u{202E}h"]),
            message: "holds 'x\u{7}y' and \u{202E}text")
        sent.network = sender
        return [
            Finding(
                rule: "capture.fragment-missing", severity: .warning, source: "a.pcap", locator: nil,
                message: "whole input"),
            sent,
            Finding(
                rule: "protocol.invalid-json", severity: .note, source: "a.pcap", locator: .packet(1_234_567),
                message: "plain"),
            Finding(
                rule: "protocol.invalid-json", severity: .error, source: "b.log", locator: .line(-3),
                pointer: JSONPointer(tokens: ["é", ""]), message: "négatif"),
        ]
    }

    static func report(spooled: Bool) -> AuditReport {
        let inputs = [InputSummary(source: "a.pcap", kind: "pcap", messages: 2)]
        guard spooled else { return AuditReport(inputs: inputs, messages: [], findings: findings(), rules: []) }
        var builder = AuditListBuilder<Finding>(configuration: SpoolConfiguration(memoryLimit: 0))
        for finding in findings() { _ = builder.append(finding) }
        return AuditReport(
            inputs: inputs, messages: AuditList<AuditedMessage>([]), findings: builder.finish(), rules: [])
    }

    static let expected = """
        a.pcap (pcap, 2 messages)
          input           warning capture.fragment-missing  at (whole input)
                          whole input
          packet 12       error   privacy.personal-data  at /a~0b/c~1d/e\\u001bf/g\\u202eh
                          holds 'x\\u0007y' and \\u202etext
                          sent by 10.0.0.5:41002 at 2026-11-24T21:19:46.000020Z on eth\\u00070
          packet 1234567  note    protocol.invalid-json  at (whole message)
                          plain

        b.log (0 messages)
          line -3  error   protocol.invalid-json  at /é/
                   négatif


        """

    @Test(arguments: [false, true])
    func eachFindingReadsAsItsLines(spooled: Bool) {
        let text = ReportWriter.render(Self.report(spooled: spooled), format: .text)
        let body = text.components(separatedBy: "Summary:")[0]
        #expect(body == Self.expected)
    }

    @Test(arguments: [false, true])
    func colourWrapsSeverityPointerAndSender(spooled: Bool) {
        let text = ReportWriter.render(
            Self.report(spooled: spooled), format: .text, options: ReportOptions(color: true))
        #expect(
            text.contains("  packet 12       \u{1B}[1;31merror\u{1B}[0m   privacy.personal-data  at \u{1B}[2m/a~0b"))
        #expect(
            text.contains("\u{1B}[2msent by 10.0.0.5:41002 at 2026-11-24T21:19:46.000020Z on eth\\u00070\u{1B}[0m\n"))
        #expect(
            text.contains("\u{1B}[36mnote\u{1B}[0m    protocol.invalid-json  at \u{1B}[2m(whole message)\u{1B}[0m\n"))
    }

    /// The width the index gives a place is the place's length, counted without making it.
    @Test func placeWidthIsTheLengthOfThePlaceText() {
        let numbers = [0, 1, 9, 10, 99, 100, 1_234_567, -1, -9, -10, -12_345, Int.max, Int.min]
        for number in numbers {
            for locator in [Locator.packet(number), .line(number), .record(number)] {
                #expect(ReportIndex.placeWidth(locator) == ReportIndex.placeText(locator).count, "\(locator)")
            }
        }
        #expect(ReportIndex.placeWidth(nil) == ReportIndex.placeText(nil).count)
    }

    @Test func sameBytesComparesCountsThenContents() {
        let bytes: [UInt8] = Array("correlator".utf8)
        for (other, same) in [("correlator", true), ("correlatoR", false), ("correlato", false), ("", false)] {
            Array(other.utf8).withUnsafeBytes { #expect(bytes.hasSameBytes(as: $0) == same, "\(other)") }
        }
        [UInt8]().withUnsafeBytes { #expect([UInt8]().hasSameBytes(as: $0)) }
    }
}
