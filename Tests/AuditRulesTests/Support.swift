import AuditInputs
import AuditModel
import AuditRules
import JSONCore
import Testing

/// Realistic Parsl messages, as the client writes them (json.dumps separators, key order as inserted).
enum Parsl {
    static let correlator = "4eae03f1-f34e-40de-8bbe-38017acbc1f4"
    static let config = #"{"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": false}"#
    static let threads = #""parsl.executors.threads.ThreadPoolExecutor""#

    static func start(level: Int, correlator: String = correlator, extra: String = "", components: String? = nil, start: String = "1795555185") -> String {
        var body = #"{"correlator": "\#(correlator)", "parsl_v": "2026.10.26", "python_v": "3.11.7", "platform.system": "Linux", "tracking_level": \#(level)"#
        if level >= 2 || components != nil { body += #", "components": [\#(components ?? "\(config), \(threads)")]"# }
        if level >= 3 { body += #", "start": \#(start)"# }
        return "1" + body + extra + "}"
    }

    static func end(correlator: String = correlator, end: String = "1795555190", executionTime: String = "5", components: String? = nil) -> String {
        let dfk = #"{"c": "parsl.dataflow.dflow.DataFlowKernel", "app_count": 6, "app_fails": 1}"#
        return "1" + #"{"correlator": "\#(correlator)", "end": \#(end), "execution_time": \#(executionTime), "components": [\#(components ?? "\(dfk), \(config), \(threads)")]}"#
    }
}

/// Runs the checker over datagram payloads, as `check` would over a wire file.
func audit(
    _ payloads: [String], level: LevelSetting = .auto, namespaces: [String] = ["parsl."]
) throws -> (messages: [AuditedMessage], findings: [Finding]) {
    let checker = try Checker(configuration: CheckConfiguration(level: level, allowedNamespaces: namespaces))
    var messages: [AuditedMessage] = []
    var findings: [Finding] = []
    for (i, payload) in payloads.enumerated() {
        let step = checker.check(
            InputRecord(locator: .line(i + 1), payload: .datagram(Array(payload.utf8))), source: "test.wire")
        messages += step.messages
        findings += step.findings
    }
    let last = checker.finish()
    return (messages + last.messages, findings + last.findings)
}

func rules(_ findings: [Finding]) -> [String] { findings.map(\.rule) }
