import AuditModel
import JSONCore

/// Hand-built reports with the findings a real Parsl audit produces (see the rule table in CONTRACT.md and
/// the messages in parsl-protocol.md), so the writers are tested before and apart from the checker.
enum SampleReports {
    /// The rule catalogue of the contract, with help text in the checker's register.
    static let rules: [RuleDescriptor] = [
        rule(
            "protocol.unknown-version", .error, "first byte is neither `1` nor `{`",
            "The datagram does not start with a protocol Parsl has ever used, so its content cannot be trusted to be a usage message."
        ),
        rule(
            "protocol.legacy", .warning, "bare-JSON protocol of Parsl before April 2024",
            "The client runs a Parsl release older than April 2024, whose messages carried more identifying detail. Upgrade Parsl."
        ),
        rule(
            "protocol.invalid-json", .error, "not JSON (syntax, NaN/Infinity, trailing bytes)",
            "The message is not valid JSON, so a collector may read it differently from this audit."),
        rule(
            "protocol.invalid-utf8", .error, "bytes that are not UTF-8",
            "The message holds bytes that are not UTF-8 text."),
        rule(
            "protocol.duplicate-key", .error, "an object repeats a key",
            "Two readers of one message may disagree on which of the repeated values counts."),
        rule(
            "protocol.not-object", .error, "top level is not an object",
            "A usage message is a JSON object; anything else is not one."),
        rule(
            "protocol.oversize", .warning, "payload over 1472 bytes",
            "The datagram fragments on a 1500-byte IPv4 path and is more likely to be lost."),
        rule(
            "capture.truncated", .error, "the capture's snap length cut the datagram",
            "Capture again with a larger snap length (tcpdump -s 0) to audit the whole message."),
        rule(
            "capture.fragment-missing", .error, "an IPv4 datagram whose fragments never all arrived",
            "Part of the datagram is missing from the capture, so the message cannot be audited."),
        rule(
            "schema.violation", .error, "the message breaks its level's schema",
            "The message does not have the shape Parsl documents for its level; the JSON Schema keyword says how."),
        rule(
            "level.mismatch", .error, "`tracking_level` differs from `--level`",
            "The client sent a different level from the one it was configured with."),
        rule(
            "level.config-disclosed", .error, "configuration detail in a level-1 message",
            "Level 1 promises only basic information; configuration components are a level-2 field."),
        rule(
            "level.execution-disclosed", .error, "execution detail below level 3",
            "Start and end times, execution time and app counts may only be sent at level 3."),
        rule(
            "level.end-message-below-3", .error, "an end message for a session below level 3",
            "Only level 3 sends an end message."),
        rule(
            "privacy.forbidden-field", .error, "a field no generation may send again",
            "Hashed user and host names and the kernel release identify the machine and its user; Parsl removed them."),
        rule(
            "privacy.user-code-identifier", .error, "a component named outside the allowed namespaces",
            "The component's module and class names belong to the user's own code and leave the machine with the message."
        ),
        rule(
            "privacy.personal-data", .error, "a string holding an e-mail, IP address, user path or host name",
            "Personal data in a usage message identifies the user or their machine."),
        rule(
            "privacy.correlator-not-random", .error, "correlator is not a version-4 UUID",
            "A version-1 UUID embeds the machine's MAC address and the time it was made."),
        rule(
            "privacy.timestamp-precision", .warning, "a timestamp with sub-second precision",
            "Sub-second times help match a message to other records of the same run."),
        rule(
            "privacy.project-name", .note, "the opt-in project_name is present",
            "A project name ties the usage data to a named project; it is sent only when the user sets it."),
        rule(
            "session.end-without-start", .note, "an end message whose start was not seen",
            "The start message was lost, or sent before the capture began."),
        rule(
            "session.start-without-end", .note, "a level-3 start whose end was not seen",
            "The run may still be going, may have crashed, or its end message was lost."),
        rule(
            "session.duplicate", .error, "two start messages share a correlator",
            "A correlator must be unique to its run; a repeated one merges two runs."),
        rule(
            "session.execution-time-mismatch", .error, "`execution_time` differs from `end - start` by more than 1 s",
            "The reported execution time does not match the session's own start and end."),
        rule(
            "session.config-drift", .warning, "the end message's components differ from the start's",
            "The configuration a session reports at its end is not the one it started with."),
    ]

    private static func rule(_ id: String, _ severity: Severity, _ summary: String, _ help: String) -> RuleDescriptor {
        RuleDescriptor(id: id, defaultSeverity: severity, summary: summary, help: help)
    }

    /// The level table of Parsl's documentation, plus the fields of older generations that are forbidden.
    static let disclosure = DisclosureMatrix(rows: [
        .init(
            field: "correlator", message: "start", discloses: "basic", minimumLevel: 1, generations: ["G3", "G4", "G5"]),
        .init(
            field: "parsl_v", message: "start", discloses: "basic", minimumLevel: 1,
            generations: ["G0", "G1", "G2", "G3", "G4", "G5"]),
        .init(
            field: "python_v", message: "start", discloses: "basic", minimumLevel: 1,
            generations: ["G0", "G1", "G2", "G3", "G4", "G5"]),
        .init(
            field: "platform.system", message: "start", discloses: "basic", minimumLevel: 1,
            generations: ["G3", "G4", "G5"]),
        .init(
            field: "tracking_level", message: "start", discloses: "basic", minimumLevel: 1, generations: ["G4", "G5"]),
        .init(field: "project_name", message: "start", discloses: "identifying", minimumLevel: 1, generations: ["G5"]),
        .init(
            field: "components", message: "start", discloses: "configuration", minimumLevel: 2,
            generations: ["G3", "G4", "G5"]),
        .init(
            field: "start", message: "start", discloses: "execution", minimumLevel: 3,
            generations: ["G0", "G1", "G2", "G3", "G4", "G5"]),
        .init(field: "uname", message: "start", discloses: "forbidden", minimumLevel: nil, generations: ["G0"]),
        .init(field: "hname", message: "start", discloses: "forbidden", minimumLevel: nil, generations: ["G0"]),
        .init(
            field: "os_v", message: "start", discloses: "forbidden", minimumLevel: nil, generations: ["G0", "G1", "G2"]),
        .init(
            field: "correlator", message: "end", discloses: "basic", minimumLevel: 3, generations: ["G3", "G4", "G5"]),
        .init(field: "end", message: "end", discloses: "execution", minimumLevel: 3, generations: ["G3", "G4", "G5"]),
        .init(
            field: "execution_time", message: "end", discloses: "execution", minimumLevel: 3, generations: ["G4", "G5"]),
        .init(
            field: "components", message: "end", discloses: "execution", minimumLevel: 3,
            generations: ["G3", "G4", "G5"]),
        .init(field: "project_name", message: "end", discloses: "identifying", minimumLevel: 3, generations: ["G5"]),
    ])

    /// Every personal value and user code name the sample's findings list: what `--redact` must hide.
    static let sensitive = [
        "alice@uni.edu", "acme_genomics.cluster.AcmeProvider", "/home/alice/envs/parsl/bin/activate",
        "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "3c2f1a9b0e", "a81f0c3d77", "node17.cluster.example.org",
        "192.168.4.7", "10.0.0.5",
    ]

    /// Three inputs read, one unreadable; starts and ends at every level, a legacy G0 message, an
    /// undecodable datagram, and a hostile one that tries markup and terminal escapes.
    static func mixed() -> AuditReport {
        var builder = Builder()
        let pcap = "captures/lo.pcap"
        let log = "runinfo/000/parsl.log"
        let wire = "wire.txt"

        builder.input(pcap, kind: "pcap")
        let levelThree = "1253b942-5a7c-4c4e-9d1e-0f3b6a2c8e11"
        builder.message(
            pcap, .packet(5), .start, level: 3, correlator: levelThree, generation: "G5",
            payload: """
                {"correlator": "\(levelThree)", "parsl_v": "2026.10.26", "python_v": "3.11.7", "platform.system": "Linux", "tracking_level": 3, "project_name": "alice@uni.edu variant-calling", "components": [{"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": false}, "parsl.executors.threads.ThreadPoolExecutor", "acme_genomics.cluster.AcmeProvider"], "start": 1795555185}
                """,
            findings: [
                (
                    "privacy.user-code-identifier", .error, "/components/2",
                    "component 'acme_genomics.cluster.AcmeProvider' names code outside Parsl: it discloses the user's module and class names",
                    ["acme_genomics.cluster.AcmeProvider"]
                ),
                (
                    "privacy.personal-data", .error, "/project_name",
                    "project_name holds an e-mail address ('alice@uni.edu')", ["alice@uni.edu"]
                ),
                (
                    "privacy.project-name", .note, "/project_name",
                    "the opt-in project_name is set: it ties the usage data to a named project", []
                ),
            ])
        let levelTwo = "90d887e5-7c1e-4c55-a3f0-2b9e51d0c6a4"
        builder.message(
            pcap, .packet(11), .start, level: 2, correlator: levelTwo, generation: "G5",
            payload: """
                {"correlator": "\(levelTwo)", "parsl_v": "2026.10.26", "python_v": "3.12.1", "platform.system": "Linux", "tracking_level": 2, "components": [{"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": false}, {"c": "parsl.providers.LocalProvider", "worker_init": "source /home/alice/envs/parsl/bin/activate"}], "start": 1795555201}
                """,
            findings: [
                (
                    "privacy.personal-data", .error, "/components/1/worker_init",
                    "worker_init holds a home directory path ('/home/alice/envs/parsl/bin/activate')",
                    ["/home/alice/envs/parsl/bin/activate"]
                ),
                (
                    "level.execution-disclosed", .error, "/start",
                    "'start' is execution detail, which only level 3 may send; this message is level 2", []
                ),
            ])
        builder.message(
            pcap, .packet(12), .end, level: 3, correlator: levelThree, generation: "G5",
            payload: """
                {"correlator": "\(levelThree)", "end": 1795555290.25, "execution_time": 3, "components": [{"c": "parsl.dataflow.dflow.DataFlowKernel", "app_count": 6, "app_fails": 1}, "parsl.executors.threads.ThreadPoolExecutor"]}
                """,
            findings: [
                (
                    "session.execution-time-mismatch", .error, "/execution_time",
                    "execution_time is 3 s but end - start is 105 s", []
                ),
                ("privacy.timestamp-precision", .warning, "/end", "'end' has sub-second precision (1795555290.25)", []),
            ])
        builder.message(
            pcap, .packet(14), .unknown, level: nil, correlator: nil, generation: nil, parsed: false, payload: nil,
            findings: [
                ("protocol.invalid-json", .error, "", "not JSON: 'NaN' is not a JSON number (byte 58)", [])
            ])
        builder.finding(
            "capture.fragment-missing", .error, source: pcap, locator: nil,
            message: "an IPv4 datagram from 10.0.0.5 (id 0x1c2f) never received all its fragments",
            sensitive: ["10.0.0.5"])

        builder.input(log, kind: "log")
        let legacy = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
        builder.message(
            log, .line(42), .start, level: nil, correlator: legacy, generation: "G0",
            payload: """
                {"uuid": "\(legacy)", "test": false, "parsl_v": "0.9.0", "python_v": "3.6.8", "os": "Linux", "os_v": "3.10.0-1160.el7.x86_64", "uname": "3c2f1a9b0e", "hname": "a81f0c3d77", "start": 1593093412.9345}
                """,
            findings: [
                ("protocol.legacy", .warning, "", "bare-JSON message of Parsl before April 2024 (generation G0)", []),
                (
                    "privacy.forbidden-field", .error, "/uname",
                    "'uname' is a short hash of the user name, reversible by dictionary", ["3c2f1a9b0e"]
                ),
                (
                    "privacy.forbidden-field", .error, "/hname",
                    "'hname' is a short hash of the host name, reversible by dictionary", ["a81f0c3d77"]
                ),
                ("privacy.forbidden-field", .error, "/os_v", "'os_v' is the kernel release", []),
                (
                    "privacy.correlator-not-random", .error, "/uuid",
                    "uuid '\(legacy)' is a version-1 UUID: it embeds a MAC address and a time", [legacy]
                ),
                (
                    "privacy.timestamp-precision", .warning, "/start",
                    "'start' has sub-second precision (1593093412.9345)", []
                ),
            ])

        builder.input(wire, kind: "wire")
        let hostile = "7f3e2a10-4b5c-4d6e-8f70-1a2b3c4d5e6f"
        builder.message(
            wire, .line(1), .start, level: 1, correlator: hostile, generation: "G5",
            payload: #"""
                {"correlator": "\#(hostile)", "parsl_v": "2026.10.26", "python_v": "3.11.7", "platform.system": "Linux", "tracking_level": 1, "hostname": "node17.cluster.example.org", "components": [{"c": "parsl.executors.HighThroughputExecutor", "address": "192.168.4.7"}, "evil</pre><script>alert(1)</script>\u001b[31m]]>&\u0000x"]}
                """#,
            findings: [
                (
                    "schema.violation", .error, "/hostname",
                    "additionalProperties: 'hostname' is not a field of a level-1 start message",
                    ["node17.cluster.example.org"]
                ),
                (
                    "privacy.personal-data", .error, "/hostname",
                    "hostname holds a fully qualified host name ('node17.cluster.example.org')",
                    ["node17.cluster.example.org"]
                ),
                (
                    "level.config-disclosed", .error, "/components",
                    "'components' is configuration detail, which level 1 may not send", []
                ),
                (
                    "privacy.personal-data", .error, "/components/0/address",
                    "address holds an IP address ('192.168.4.7')", ["192.168.4.7"]
                ),
                (
                    "privacy.user-code-identifier", .error, "/components/1",
                    "component 'evil</pre><script>alert(1)</script>\u{1B}[31m]]>&\u{0}x' names code outside Parsl", []
                ),
            ])
        builder.message(
            wire, .line(2), .end, level: 3, correlator: "0b5c6d7e-8f90-4a1b-9c2d-3e4f5a6b7c8d", generation: "G5",
            payload: """
                {"correlator": "0b5c6d7e-8f90-4a1b-9c2d-3e4f5a6b7c8d", "end": 1795556000, "execution_time": 12, "components": [{"c": "parsl.dataflow.dflow.DataFlowKernel", "app_count": 2, "app_fails": 0}]}
                """,
            findings: [
                (
                    "session.end-without-start", .note, "",
                    "end message for correlator 0b5c6d7e-8f90-4a1b-9c2d-3e4f5a6b7c8d, whose start was not seen", []
                )
            ])
        builder.message(
            wire, .line(3), .start, level: 2, correlator: "2c4e6a80-1b3d-4f5a-8c7e-9d0f1a2b3c4d", generation: "G5",
            payload: nil, findings: [])

        builder.input("missing.ndjson", kind: "ndjson", readError: "No such file or directory")
        return builder.report()
    }

    /// A clean run: two level-2 starts from today's Parsl and nothing to report.
    static func clean() -> AuditReport {
        var builder = Builder()
        builder.input("clean.ndjson", kind: "ndjson")
        builder.message(
            "clean.ndjson", .line(1), .start, level: 2, correlator: "c3bf30a7-ed8b-4470-ad92-5fe988b5d5cf",
            generation: "G5", payload: nil, findings: [])
        builder.message(
            "clean.ndjson", .line(2), .start, level: 2, correlator: "4eae03f1-f34e-40de-8bbe-38017acbc1f4",
            generation: "G5", payload: nil, findings: [])
        return builder.report()
    }

    /// `count` findings on as many messages, for the length limits of Markdown and HTML.
    static func many(_ count: Int) -> AuditReport {
        var builder = Builder()
        builder.input("big.wire", kind: "wire")
        for line in 1...count {
            builder.message(
                "big.wire", .line(line), .start, level: 2, correlator: nil, generation: "G5", payload: nil,
                findings: [
                    (
                        "privacy.timestamp-precision", line % 3 == 0 ? .error : .warning, "/start",
                        "'start' has sub-second precision (line \(line))", []
                    )
                ])
        }
        return builder.report()
    }

    /// Builds a consistent report: message finding counts, input message counts and the rule catalogue
    /// follow from what was added.
    struct Builder {
        var inputs: [InputSummary] = []
        var messages: [AuditedMessage] = []
        var findings: [Finding] = []

        mutating func input(_ source: String, kind: String, readError: String? = nil) {
            inputs.append(InputSummary(source: source, kind: kind, readError: readError))
        }

        mutating func message(
            _ source: String, _ locator: Locator, _ kind: MessageKind, level: Int?, correlator: String?,
            generation: String?, parsed: Bool = true, payload: String?,
            findings: [(rule: String, severity: Severity, pointer: String, message: String, sensitive: [String])]
        ) {
            let decoded = payload.map { try! JSONValue.parse($0) }
            messages.append(
                AuditedMessage(
                    source: source, locator: locator, kind: kind, level: level, correlator: correlator,
                    generation: generation, parsed: parsed, findings: findings.count, payload: decoded))
            for finding in findings {
                self.findings.append(
                    Finding(
                        rule: finding.rule, severity: finding.severity, source: source, locator: locator,
                        pointer: try! JSONPointer(parsing: finding.pointer), level: level, correlator: correlator,
                        message: finding.message, sensitiveValues: finding.sensitive))
            }
            if let index = inputs.firstIndex(where: { $0.source == source }) { inputs[index].messages += 1 }
        }

        mutating func finding(
            _ rule: String, _ severity: Severity, source: String, locator: Locator?, message: String,
            sensitive: [String]
        ) {
            findings.append(
                Finding(
                    rule: rule, severity: severity, source: source, locator: locator, message: message,
                    sensitiveValues: sensitive))
        }

        func report() -> AuditReport {
            AuditReport(
                inputs: inputs, messages: messages, findings: findings, rules: SampleReports.rules,
                disclosure: SampleReports.disclosure)
        }
    }
}
