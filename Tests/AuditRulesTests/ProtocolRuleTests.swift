import AuditInputs
import AuditModel
import AuditRules
import JSONCore
import Testing

@Suite("protocol.* rules")
struct ProtocolRuleTests {
    @Test func cleanMessagesAtEveryLevelRaiseNothing() throws {
        let result = try audit([Parsl.start(level: 1)])
        #expect(result.findings.isEmpty, "\(result.findings)")
        let two = try audit([Parsl.start(level: 2)])
        #expect(two.findings.isEmpty, "\(two.findings)")
        let three = try audit([Parsl.start(level: 3), Parsl.end()])
        #expect(three.findings.isEmpty, "\(three.findings)")
        #expect(three.messages.map(\.kind) == [.start, .end])
        #expect(three.messages.map(\.level) == [3, 3])
        #expect(three.messages.map(\.generation) == ["G4/G5", "G4/G5"])
    }

    @Test func unknownVersionByte() throws {
        let result = try audit(["2{\"a\": 1}", ""])
        #expect(rules(result.findings) == ["protocol.unknown-version", "protocol.unknown-version"])
        #expect(result.messages.allSatisfy { !$0.parsed })
    }

    @Test func legacyBareJSON() throws {
        let g2 = #"{"uuid": "4eae03f1-f34e-40de-8bbe-38017acbc1f4", "parsl_v": "2024.3.4", "python_v": "3.11.7", "os": "Linux", "os_v": "6.1.0-18-amd64", "start": 1709600000.25}"#
        let result = try audit([g2])
        #expect(rules(result.findings).contains("protocol.legacy"))
        #expect(result.messages.first?.generation == "G2")
        #expect(!rules(try audit([Parsl.start(level: 1)]).findings).contains("protocol.legacy"))
    }

    @Test func invalidJSONNamesNaN() throws {
        let result = try audit([#"1{"correlator": "x", "start": NaN}"#])
        let finding = try #require(result.findings.first)
        #expect(finding.rule == "protocol.invalid-json")
        #expect(finding.message.contains("NaN"))
        #expect(finding.message.contains("byte 30"))  // the protocol byte counts
    }

    @Test func invalidUTF8() throws {
        let checker = try Checker(configuration: CheckConfiguration())
        let bytes = Array("1{\"platform.system\": \"".utf8) + [0xFF] + Array("\"}".utf8)
        let findings = checker.check(InputRecord(locator: .packet(3), payload: .datagram(bytes)), source: "x.pcap").findings
        let message = checker.finish().messages.first
        #expect(rules(findings) == ["protocol.invalid-utf8"])
        #expect(message?.parsed == false)
        #expect(findings.first?.locator == .packet(3))
    }

    @Test func duplicateKeyIsNeverReadTwoWays() throws {
        let result = try audit([Parsl.start(level: 1).dropLast() + #", "tracking_level": 3}"#])
        #expect(rules(result.findings) == ["protocol.duplicate-key"])
        #expect(result.findings[0].message.contains("'tracking_level'"))
    }

    @Test func notAnObject() throws {
        #expect(rules(try audit([#"1["correlator"]"#]).findings) == ["protocol.not-object"])
    }

    @Test func oversizePayload() throws {
        let many = (0..<60).map { #""parsl.providers.LocalProvider\#($0)""# }.joined(separator: ", ")
        let big = Parsl.start(level: 2, components: many)
        #expect(big.utf8.count > 1472)
        #expect(rules(try audit([big]).findings).contains("protocol.oversize"))
        #expect(!rules(try audit([Parsl.start(level: 2)]).findings).contains("protocol.oversize"))
    }

    @Test func logMessagesAreJudgedLikeTheirDatagram() throws {
        let checker = try Checker(configuration: CheckConfiguration())
        let value = try PythonLiteral.parse("{'correlator': '\(Parsl.correlator)', 'parsl_v': '2026.10.26', 'python_v': '3.11.7', 'platform.system': 'Linux', 'tracking_level': 1, 'x': float('nan')}".replacing("float('nan')", with: "nan"))
        let findings = checker.check(
            InputRecord(locator: .line(9), payload: .logged(kind: .start, value: .success(value))), source: "parsl.log"
        ).findings
        #expect(findings.contains { $0.rule == "protocol.invalid-json" && $0.pointer.description == "/x" })
        let broken = checker.check(
            InputRecord(locator: .line(10), payload: .logged(kind: .start, value: .failure(PythonLiteralError(message: "cut", offset: 3)))),
            source: "parsl.log")
        #expect(rules(broken.findings) == ["log.unparseable"])
        #expect(checker.finish().messages.map(\.parsed) == [true, false])
    }
}

@Suite("schema.violation and accounting")
struct SchemaViolationAndAccountingTests {
    @Test func aViolationNamesTheKeywordAndBothLocations() throws {
        let wrongType = Parsl.start(level: 2, components: #"{"c": "parsl.config.Config", "executors_len": "1"}"#)
        let found = try audit([wrongType]).findings.filter { $0.rule == "schema.violation" }
        #expect(found.count == 1)
        let finding = try #require(found.first)
        #expect(finding.pointer.description == "/components/0/executors_len")
        #expect(finding.message.contains("keyword 'type'"))
        #expect(finding.message.contains("current/start-level2.schema.json"))  // the schema file
        #expect(finding.message.contains("https://usage-audit.dev/schemas/parsl/common#/$defs/component"))  // absolute location
    }

    @Test func anUnknownFieldIsPointedAt() throws {
        let found = try audit([Parsl.start(level: 1, extra: #", "hostname": "x""#)]).findings
        #expect(found.map(\.rule) == ["schema.violation"])
        #expect(found.first?.pointer.description == "/hostname")
    }

    @Test func noViolationForWhatRealClientsSend() throws {
        #expect(try audit([Parsl.start(level: 1), Parsl.start(level: 2, correlator: "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f")]).findings.isEmpty)
    }

    @Test func everyLineOfAMixedInputIsAccountedFor() throws {
        let lines = [
            Parsl.start(level: 1), "garbage", "1{not json", "", Parsl.start(level: 2, correlator: "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"),
            "1[]", "{\"uuid\": 3}",
        ]
        let result = try audit(lines)
        // The empty payload is a message too: a datagram of zero bytes arrived.
        #expect(result.messages.count == lines.count)
        #expect(result.messages.filter { !$0.parsed }.count == 4)
    }
}
