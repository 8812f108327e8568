import AuditInputs
import AuditModel
import AuditRules
import JSONCore
import Testing

@Suite("--reconcile: logs against the wire")
struct ReconcileTests {
    /// A capture's record (input 0, with network evidence) or a log's (input 1).
    func reconcile(wire: [String], logged: [String], enabled: Bool = true) throws -> [Finding] {
        var configuration = CheckConfiguration()
        configuration.reconcile = enabled
        let checker = try Checker(configuration: configuration)
        let network = NetworkEvidence(from: "10.0.0.1:40000", to: "10.0.0.2:50077", time: "2026-11-20T10:00:03.000000Z")
        var findings: [Finding] = []
        for (i, payload) in wire.enumerated() {
            findings += checker.check(
                InputRecord(locator: .packet(i + 1), payload: .datagram(Array(payload.utf8)), network: network),
                source: "run.pcap", input: 0
            ).findings
        }
        for (i, payload) in logged.enumerated() {
            let value = try JSONValue.parse(String(payload.dropFirst()))
            findings += checker.check(
                InputRecord(locator: .line(i + 1), payload: .logged(kind: .start, value: .success(value))),
                source: "parsl.log", input: 1
            ).findings
        }
        return findings + checker.finish().findings
    }

    @Test func aMessageOnBothSidesIsReconciled() throws {
        #expect(try reconcile(wire: [Parsl.start(level: 1)], logged: [Parsl.start(level: 1)]).isEmpty)
    }

    @Test func loggedButNeverSent() throws {
        // Parsl issue 4038: the message is built and logged, the process that would send it never starts.
        let found = try reconcile(wire: [], logged: [Parsl.start(level: 1)])
        #expect(rules(found) == ["reconcile.logged-not-sent"])
        #expect(found[0].source == "parsl.log" && found[0].locator == .line(1))
    }

    @Test func sentButNeverLogged() throws {
        let found = try reconcile(wire: [Parsl.start(level: 1)], logged: [])
        #expect(rules(found) == ["reconcile.sent-not-logged"])
        #expect(found[0].network?.from == "10.0.0.1:40000")
    }

    @Test func onlyWhenAsked() throws {
        #expect(try reconcile(wire: [Parsl.start(level: 1)], logged: [Parsl.start(level: 2, correlator: "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f")], enabled: false).isEmpty)
    }
}

@Suite("--identities: G0's hashed names")
struct IdentityTests {
    @Test func g0HashesAreTheFirstTenHexDigitsOfSHA256OfLatin1() {
        // What Parsl 2023.4.24 sent, recorded as root on a host named vm (Fixtures/real/2023.4.24).
        #expect(IdentityTable.g0Hash(of: "root") == "4813494d13")
        #expect(IdentityTable.g0Hash(of: "vm") == "5bce98f73f")
        #expect(IdentityTable.g0Hash(of: "jos\u{E9}") != IdentityTable.g0Hash(of: "jose"))  // one Latin-1 byte
        #expect(IdentityTable.g0Hash(of: "\u{4E2D}") == nil)  // beyond Latin-1
    }

    @Test func aMatchingNameIsNamedAndMarkedSensitive() throws {
        let g0 = #"{"uuid": "80af2705-3c15-4d21-aa86-c0a83e018776", "uname": "4813494d13", "hname": "5bce98f73f", "test": false, "parsl_v": "2023.04.24", "python_v": "3.11.7", "os": "Linux", "os_v": "6.1.0", "start": 1795661811}"#
        var configuration = CheckConfiguration()
        configuration.identities = IdentityTable(text: "# site users\nalice\n  root  \n\nvm\n")
        #expect(configuration.identities.count == 3)
        let checker = try Checker(configuration: configuration)
        let found = checker.check(InputRecord(locator: .line(1), payload: .datagram(Array(g0.utf8))), source: "g0.wire")
            .findings.filter { $0.rule == "privacy.forbidden-field" }
        let uname = found.first { $0.pointer.description == "/uname" }
        #expect(uname?.message.contains("'4813494d13' is the hash of 'root'") == true)
        #expect(uname?.sensitiveValues.contains("root") == true)
        #expect(found.first { $0.pointer.description == "/hname" }?.message.contains("'vm'") == true)
        #expect(found.first { $0.pointer.description == "/os_v" }?.message.contains("hash of") == false)
    }
}
