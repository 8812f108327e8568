import AuditModel
import Bytes
import JSONCore

extension SARIFReport {
    /// A result written as `PrettyJSON` with small containers inline lays out `result(...)` at depth 4,
    /// straight into bytes from the finding: building the value and laying it out took a third of a SARIF
    /// report's instructions. `SARIFFixtureTests` holds the two equal.
    struct ResultWriter {
        /// Each artifact's `uri` (by artifact index) as a JSON string: the same few inputs for every result.
        private let quotedURIs: [[UInt8]]
        let baselineApplied: Bool

        /// `sources`: the report's inputs in artifact order.
        init(sources: [String], baselineApplied: Bool) {
            quotedURIs = sources.map { source in
                var quoted: [UInt8] = []
                Escape.appendJSONString(SARIFReport.uriReference(source), to: &quoted)
                return quoted
            }
            self.baselineApplied = baselineApplied
        }

        /// `PrettyJSON`'s indentation of each depth a result reaches.
        private static let indentation: [[UInt8]] = (0...8).map { Array(String(repeating: "  ", count: $0).utf8) }

        private func newline(_ depth: Int, _ out: inout ByteBuffer) {
            out.append("\n")
            out.append(contentsOf: Self.indentation[depth])
        }

        private func string(_ text: String, _ out: inout ByteBuffer) { Escape.appendJSONString(text, to: &out) }

        func write(
            _ finding: Finding, message: MessageFacts, inputKind: String?, artifactIndex: Int, ruleIndex: Int?,
            to out: inout ByteBuffer
        ) {
            out.append("{")
            newline(5, &out)
            out.append("\"ruleId\": ")
            string(finding.rule, &out)
            if let ruleIndex {
                out.append(",")
                newline(5, &out)
                out.append("\"ruleIndex\": ")
                out.append(decimal: Int64(ruleIndex))
            }
            out.append(",")
            newline(5, &out)
            out.append("\"level\": ")
            string(finding.severity.rawValue, &out)
            out.append(",")
            newline(5, &out)
            out.append("\"message\": {\"text\": ")
            string(finding.message, &out)
            out.append("},")
            newline(5, &out)
            out.append("\"locations\": [")
            location(finding, target: message.target, inputKind: inputKind, artifactIndex: artifactIndex, &out)
            newline(5, &out)
            out.append("],")
            newline(5, &out)
            out.append("\"partialFingerprints\": {\"")
            out.append(utf8: Fingerprint.key)
            out.append("\": ")
            string(finding.fingerprint ?? "", &out)
            out.append("},")
            if baselineApplied {
                newline(5, &out)
                out.append("\"baselineState\": ")
                out.append(finding.baselined ? "\"unchanged\"," : "\"new\",")
            }
            newline(5, &out)
            out.append("\"properties\": ")
            properties(finding, message: message, &out)
            newline(4, &out)
            out.append("}")
        }

        /// The one location: its physical location (artifact and region, each inline) and, for a finding at a
        /// place, its logical location (inline: at most three scalars).
        private func location(
            _ finding: Finding, target: String?, inputKind: String?, artifactIndex: Int, _ out: inout ByteBuffer
        ) {
            newline(6, &out)
            out.append("{")
            newline(7, &out)
            out.append("\"physicalLocation\": {")
            newline(8, &out)
            out.append("\"artifactLocation\": {\"uri\": ")
            out.append(contentsOf: quotedURIs[artifactIndex])
            out.append(", \"index\": ")
            out.append(decimal: Int64(artifactIndex))
            out.append("},")
            newline(8, &out)
            out.append("\"region\": ")
            region(finding, inputKind: inputKind, &out)
            newline(7, &out)
            out.append("}")
            if let locator = finding.locator {
                out.append(",")
                newline(7, &out)
                out.append("\"logicalLocations\": [")
                newline(8, &out)
                let pointer = finding.pointer
                out.append("{\"name\": ")
                string(pointer.tokens.last ?? locator.description, &out)
                out.append(", \"fullyQualifiedName\": ")
                string(locator.description + pointer.description, &out)
                if let target {
                    out.append(", \"kind\": ")
                    string(target, &out)
                }
                out.append("}")
                newline(7, &out)
                out.append("]")
            }
            newline(6, &out)
            out.append("}")
        }

        /// `SARIFReport.region`, inline.
        private func region(_ finding: Finding, inputKind: String?, _ out: inout ByteBuffer) {
            if case .line(let line) = finding.locator {
                out.append("{\"startLine\": ")
                out.append(decimal: Int64(line))
                out.append("}")
            } else if let region = finding.region {
                out.append("{\"byteOffset\": ")
                out.append(decimal: Int64(region.offset))
                out.append(", \"byteLength\": ")
                out.append(decimal: Int64(region.length))
                out.append("}")
            } else if inputKind.map(SARIFReport.textKinds.contains) ?? (finding.locator == nil) {
                out.append("{\"startLine\": 1}")
            } else {
                out.append("{\"byteOffset\": 0}")
            }
        }

        /// The properties: inline when they are at most three scalars (a finding about a whole input has no
        /// locator object), else one member per line, the network evidence over its own lines.
        private func properties(_ finding: Finding, message: MessageFacts, _ out: inout ByteBuffer) {
            var count = 2
            if message.kind != nil { count += 1 }
            if finding.level != nil { count += 1 }
            if message.generation != nil { count += 1 }
            if finding.correlator != nil { count += 1 }
            if finding.network != nil { count += 1 }
            let inline = count <= 3 && finding.locator == nil && finding.network == nil
            var first = true
            func next(_ key: StaticString) {
                if inline {
                    out.append(first ? "{" : ", ")
                } else {
                    out.append(first ? "{" : ",")
                    newline(6, &out)
                }
                first = false
                out.append(key)
            }
            next("\"locator\": ")
            if let locator = finding.locator {
                out.append("{\"")
                out.append(utf8: locator.kind)
                out.append("\": ")
                out.append(decimal: Int64(locator.number))
                out.append("}")
            } else {
                out.append("null")
            }
            next("\"pointer\": ")
            string(finding.pointer.description, &out)
            if let kind = message.kind {
                next("\"messageKind\": ")
                string(kind.rawValue, &out)
            }
            if let level = finding.level {
                next("\"level\": ")
                out.append(decimal: Int64(level))
            }
            if let generation = message.generation {
                next("\"generation\": ")
                string(generation, &out)
            }
            if let correlator = finding.correlator {
                next("\"correlator\": ")
                string(correlator, &out)
            }
            if let network = finding.network {
                next("\"network\": ")
                JSONReport.network(
                    from: network.from, to: network.to, time: network.time, interface: network.interface, depth: 6,
                    to: &out)
            }
            if !inline { newline(5, &out) }
            out.append("}")
        }
    }
}
