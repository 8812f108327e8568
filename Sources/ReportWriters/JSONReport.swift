import AuditModel
import JSONCore

/// The contract's JSON report, key for key and in the contract's key order. Unknown values are `null`
/// rather than absent, so every message and finding object has the same keys.
///
/// One addition the contract allows ("may grow"): `inputs`, last, lists each input with its kind, message
/// count and read error, because the contract also says an input that could not be read is named in the
/// report, and no other key can name it.
struct JSONReport {
    let report: AuditReport

    func render() -> String {
        PrettyJSON(inlineSmallContainers: true).render(document()) + "\n"
    }

    func document() -> JSONValue {
        orderedObject([
            "tool": orderedObject(["name": .string(report.toolName), "version": .string(report.toolVersion)]),
            "summary": orderedObject([
                "inputs": .integer(Int64(report.inputs.count)),
                "messages": .integer(Int64(report.messages.count)),
                "unparsed": .integer(Int64(report.unparsedCount)),
                "findings": orderedObject([
                    "error": .integer(Int64(report.count(.error))),
                    "warning": .integer(Int64(report.count(.warning))),
                    "note": .integer(Int64(report.count(.note))),
                ]),
            ]),
            "messages": .array(report.messages.map(Self.message)),
            "findings": .array(report.findings.map(Self.finding)),
            "inputs": .array(report.inputs.map(Self.input)),
        ])
    }

    static func input(_ input: InputSummary) -> JSONValue {
        orderedObject([
            "source": .string(input.source),
            "kind": .string(input.kind),
            "messages": .integer(Int64(input.messages)),
            "error": optional(input.readError),
        ])
    }

    static func locator(_ locator: Locator?) -> JSONValue {
        guard let locator else { return .null }
        return .object(JSONObject([(locator.kind, .integer(Int64(locator.number)))]))
    }

    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
    static func optional(_ number: Int?) -> JSONValue { number.map { .integer(Int64($0)) } ?? .null }

    static func message(_ message: AuditedMessage) -> JSONValue {
        orderedObject([
            "source": .string(message.source),
            "locator": locator(message.locator),
            "kind": .string(message.kind.rawValue),
            "level": optional(message.level),
            "correlator": optional(message.correlator),
            "generation": optional(message.generation),
            "findings": .integer(Int64(message.findings)),
        ])
    }

    static func finding(_ finding: Finding) -> JSONValue {
        orderedObject([
            "rule": .string(finding.rule),
            "severity": .string(finding.severity.rawValue),
            "source": .string(finding.source),
            "locator": locator(finding.locator),
            "pointer": .string(finding.pointer.description),
            "level": optional(finding.level),
            "correlator": optional(finding.correlator),
            "message": .string(finding.message),
        ])
    }
}
