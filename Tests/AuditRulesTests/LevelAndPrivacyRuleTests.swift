import AuditModel
import AuditRules
import JSONCore
import Testing

@Suite("level.* and privacy.* rules")
struct LevelAndPrivacyRuleTests {
    @Test func configurationAtLevel1() throws {
        let leaky = Parsl.start(level: 1, components: "\(Parsl.config), \(Parsl.threads)")
        let findings = try audit([leaky]).findings.filter { $0.rule == "level.config-disclosed" }
        #expect(findings.map(\.pointer.description) == ["/components"])  // reported once, not per member
        #expect(try audit([Parsl.start(level: 2)]).findings.isEmpty)
    }

    @Test func executionDetailBelowLevel3AnywhereInTheMessage() throws {
        let dfk = #"{"c": "parsl.dataflow.dflow.DataFlowKernel", "app_count": 6, "app_fails": 1}"#
        let inside = Parsl.start(level: 2, components: "\(dfk), \(Parsl.threads)")
        let found = try audit([inside]).findings.filter { $0.rule == "level.execution-disclosed" }
        #expect(found.map(\.pointer.description) == ["/components/0/app_count", "/components/0/app_fails"])
        let topLevel = Parsl.start(level: 2, extra: #", "start": 1795555185"#)
        #expect(try audit([topLevel]).findings.map(\.pointer.description).contains("/start"))
        #expect(!rules(try audit([Parsl.start(level: 3)]).findings).contains("level.execution-disclosed"))
    }

    @Test func levelMismatchWithFixedLevel() throws {
        let found = try audit([Parsl.start(level: 3)], level: .fixed(2)).findings
        #expect(found.contains { $0.rule == "level.mismatch" && $0.pointer.description == "/tracking_level" })
        #expect(found.contains { $0.rule == "level.execution-disclosed" })  // judged at the configured level
        #expect(!rules(try audit([Parsl.start(level: 2)], level: .fixed(2)).findings).contains("level.mismatch"))
    }

    @Test func anyMessageWhileTrackingIsOff() throws {
        let found = try audit([Parsl.start(level: 3), Parsl.end()], level: .fixed(0)).findings
        #expect(rules(found) == ["level.sent-while-disabled", "level.sent-while-disabled"])
        #expect(found.map(\.locator) == [.line(1), .line(2)])
        #expect(rules(try audit([Parsl.start(level: 3), Parsl.end()], level: .fixed(3)).findings).isEmpty)
        #expect(LevelSetting(argument: "0") == .fixed(0) && LevelSetting(argument: "4") == nil)
    }

    @Test func endMessageBelowLevel3() throws {
        let c = "1253b942-0c6e-4d27-9a43-5e0d8f7a6b21"
        let found = try audit([Parsl.start(level: 2, correlator: c), Parsl.end(correlator: c)]).findings
        #expect(rules(found) == ["level.end-message-below-3"])
        #expect(found[0].locator == .line(2) && found[0].level == 2)
        #expect(try audit([Parsl.start(level: 3, correlator: c), Parsl.end(correlator: c)]).findings.isEmpty)
    }

    @Test func forbiddenFieldsOfOldGenerations() throws {
        let g0 = #"{"uuid": "4eae03f1-f34e-40de-8bbe-38017acbc1f4", "uname": "3a6eb0790f", "hname": "8d777f385d", "test": false, "parsl_v": "2023.04.24", "python_v": "3.11.7", "os": "Linux", "os_v": "6.1.0-18-amd64", "start": 1682400000.123456}"#
        let found = try audit([g0]).findings
        #expect(found.filter { $0.rule == "privacy.forbidden-field" }.map(\.pointer.description) == ["/uname", "/hname", "/os_v"])
        #expect(found.first { $0.rule == "privacy.forbidden-field" }?.sensitiveValues == ["3a6eb0790f"])
        #expect(found.contains { $0.rule == "privacy.timestamp-precision" && $0.pointer.description == "/start" })
        #expect(try audit([Parsl.start(level: 1)]).findings.isEmpty)
    }

    @Test func userCodeIdentifiers() throws {
        let acme = Parsl.start(level: 2, components: #"\#(Parsl.config), "acme_genomics_cluster.AcmeProvider", \#(Parsl.threads)"#)
        let found = try audit([acme]).findings.filter { $0.rule == "privacy.user-code-identifier" }
        #expect(found.map(\.pointer.description) == ["/components/1"])
        #expect(found.first?.sensitiveValues == ["acme_genomics_cluster.AcmeProvider"])
        #expect(try audit([acme], namespaces: ["parsl.", "acme_genomics_cluster"]).findings.isEmpty)
        let object = Parsl.start(level: 2, components: #"{"c": "mylab.HTEX", "mpi": false}"#)
        #expect(try audit([object]).findings.map(\.pointer.description).contains("/components/0/c"))
    }

    @Test(arguments: [
        ("alice@uni.edu", "e-mail"), ("10.1.2.3", "IPv4"), ("fe80::1ff:fe23:4567:890a", "IPv6"),
        ("/home/alice/run", "home"), ("/Users/bob/x", "home"), (#"C:\\Users\\carol\\p"#, "home"),
        ("login1.cluster.example.edu", "host name"),
    ])
    func personalDataInAnyString(value: String, kind: String) throws {
        let message = Parsl.start(level: 1, extra: #", "project_name": "\#(value)""#)
        let found = try audit([message]).findings.filter { $0.rule == "privacy.personal-data" }
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.message.contains(kind) == true)
        #expect(found.first?.pointer.description == "/project_name")
    }

    @Test func noPersonalDataInOrdinaryValues() throws {
        let clean = Parsl.start(level: 3, extra: #", "project_name": "my-test-project""#)
        #expect(!rules(try audit([clean]).findings).contains("privacy.personal-data"))
        // Versions, dotted code names and file names are not host names or addresses.
        for text in ["2024.10.14", "parsl.executors.HighThroughputExecutor", "setup.py", "3.11.7", "127.0.0.1", "12:30:45"] {
            #expect(
                !rules(try audit([Parsl.start(level: 1, extra: #", "project_name": "\#(text)""#)]).findings).contains("privacy.personal-data"),
                "\(text)")
        }
    }

    @Test func correlatorMustBeRandom() throws {
        let v1 = "c232ab00-9414-11ec-b3c8-9e6bdeced846"
        let found = try audit([Parsl.start(level: 1, correlator: v1)]).findings
        #expect(rules(found) == ["privacy.correlator-not-random"])
        #expect(found[0].message.contains("MAC address"))
    }

    @Test func subSecondTimestamps() throws {
        let found = try audit([Parsl.start(level: 3, start: "1795555185.701525")]).findings
        #expect(found.contains { $0.rule == "privacy.timestamp-precision" })
        #expect(!rules(try audit([Parsl.start(level: 3)]).findings).contains("privacy.timestamp-precision"))
    }

    @Test func projectNameIsANote() throws {
        let found = try audit([Parsl.start(level: 1, extra: #", "project_name": "my-test-project""#)]).findings
        #expect(found.map(\.rule) == ["privacy.project-name"])
        #expect(found[0].severity == .note)
        #expect(try audit([Parsl.start(level: 1)]).messages.first?.generation == "G4/G5")
        #expect(try audit([Parsl.start(level: 1, extra: #", "project_name": "p""#)]).messages.first?.generation == "G5")
    }
}
