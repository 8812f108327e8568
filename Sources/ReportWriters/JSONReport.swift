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

    /// The same text as rendering `document()`, but streamed: each message and finding becomes a small
    /// value, is written and dropped, so a report of hundreds of thousands of findings never exists twice.
    func render() -> String {
        let printer = PrettyJSON(inlineSmallContainers: true)
        let skeleton = document(listing: false)
        guard case .object(let top) = skeleton else { return printer.render(skeleton) + "\n" }
        var out = "{\n"
        let inner = printer.indentation(1)
        for (index, (key, value)) in top.enumerated() {
            out += inner
            PrettyJSON.writeScalar(.string(key), to: &out)
            out += ": "
            switch key {
            case "messages": stream(report.messages, as: Self.message, printer: printer, to: &out)
            case "findings": stream(report.findings, as: Self.finding, printer: printer, to: &out)
            default: printer.write(value, depth: 1, to: &out)
            }
            out += index + 1 < top.count ? ",\n" : "\n"
        }
        out += "}\n"
        return out
    }

    /// An array member of the top-level object, one element at a time, laid out as `PrettyJSON` lays out
    /// arrays of objects.
    private func stream<Element>(
        _ elements: [Element], as value: (Element) -> JSONValue, printer: PrettyJSON, to out: inout String
    ) {
        guard !elements.isEmpty else {
            out += "[]"
            return
        }
        let indent = printer.indentation(2)
        out += "[\n"
        for (index, element) in elements.enumerated() {
            out += indent
            printer.write(value(element), depth: 2, to: &out)
            out += index + 1 < elements.count ? ",\n" : "\n"
        }
        out += printer.indentation(1) + "]"
    }

    func document() -> JSONValue { document(listing: true) }

    /// The report as one value; without `listing`, `messages` and `findings` are left empty for `render`
    /// to stream.
    private func document(listing: Bool) -> JSONValue {
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
            "messages": .array(listing ? report.messages.map(Self.message) : []),
            "findings": .array(listing ? report.findings.map(Self.finding) : []),
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
