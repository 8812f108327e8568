import AuditModel
import Bytes
import JSONCore
import Storage

/// SARIF 2.1.0 as code scanning reads it: one run; the full rule catalogue in `tool.driver.rules`, each
/// rule with its descriptions, Markdown help, tags and `security-severity` (a service shows help for a rule
/// even before it fires); each result with its rule, level, message, the input file as physical location
/// with a region (see `region`), the locator and JSON pointer as a logical location and as properties, and
/// the fingerprint that survives re-runs (see `Fingerprint`); with `--baseline`, whether it is new or
/// unchanged. Inputs that could not be read are tool execution notifications, and make
/// `executionSuccessful` false.
struct SARIFReport {
    /// A prepared report (`ReportPreparation`): its findings carry fingerprints and byte regions.
    let report: AuditReport
    let options: ReportOptions
    let scratch: ScratchSpools

    static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    /// What a result needs from the message its finding points at, found by `MessageMatch` and put back in
    /// report order by a sort on the finding's position.
    struct MessageFacts: Spoolable {
        var kind: MessageKind?
        var generation: String?
        /// `kind` of the logical location: what sits at the finding's pointer, when the content is known.
        var target: String?

        func encode(to encoder: inout SpoolEncoder) {
            encoder.write(kind.map(\.ordinal))
            encoder.write(generation)
            encoder.write(target)
        }

        init(kind: MessageKind?, generation: String?, target: String?) {
            self.kind = kind
            self.generation = generation
            self.target = target
        }

        init(from decoder: inout SpoolDecoder) throws(SpoolError) {
            let kindIndex = try decoder.readOptionalInt()
            if let kindIndex {
                guard MessageKind.byOrdinal.indices.contains(kindIndex) else {
                    throw SpoolError("unknown message kind")
                }
                kind = MessageKind.byOrdinal[kindIndex]
            }
            generation = try decoder.readOptionalString()
            target = try decoder.readOptionalString()
        }
    }

    /// Streams the results: the rest of the document is small and rendered whole, then split where the
    /// results go. The split point is unambiguous: a line break cannot occur inside a JSON string.
    func render(to out: inout ReportOutput) {
        let index = ReportIndex(report)
        let artifactIndex = Dictionary(uniqueKeysWithValues: index.sources.enumerated().map { ($1, $0) })
        let ruleIndex = Dictionary(
            report.rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let printer = PrettyJSON(inlineSmallContainers: true)
        let skeleton = printer.render(document(index: index, artifactIndex: artifactIndex)) + "\n"
        let marker = "\n" + printer.indentation(3) + "\"results\": []"
        guard !report.findings.isEmpty, let split = skeleton.range(of: marker) else {
            out += skeleton
            return
        }
        out += String(skeleton[..<split.lowerBound]) + "\n" + printer.indentation(3) + "\"results\": [\n"
        let resultIndent = Array(printer.indentation(4).utf8)
        var facts = messageFacts(sourceOrdinal: index.sourceOrdinal).makeIterator()
        var remaining = report.findings.count
        let writer = ResultWriter(sources: index.sources, baselineApplied: report.baselineApplied)
        var element = ByteBuffer(capacity: 4096)
        for finding in report.findings {
            guard let (_, message) = facts.next() else { break }
            remaining -= 1
            element.removeAll()
            element.append(contentsOf: resultIndent)
            writer.write(
                finding, message: message, inputKind: index.input(named: finding.source)?.kind,
                artifactIndex: artifactIndex[finding.source]!, ruleIndex: ruleIndex[finding.rule], to: &element)
            element.append(remaining > 0 ? ",\n" : "\n")
            out.append(element)
        }
        out += printer.indentation(3) + "]" + String(skeleton[split.upperBound...])
    }

    /// For each finding in report order, what its message tells.
    private func messageFacts(sourceOrdinal: [String: Int]) -> ReportSort<PositionKey, MessageFacts>.Sorted {
        var sort = ReportSort<PositionKey, MessageFacts>(scratch: scratch)
        // Findings go through the sort as their records; only a finding's front and pointer are read.
        MessageMatch.runOverRecords(report, sourceOrdinal: sourceOrdinal, scratch: scratch, wholeFindings: false) {
            event in
            guard case .finding(let record, let position, let match) = event else { return }
            // The message's front, and what sits at the pointer found in its stored payload: nothing decoded.
            // (A finding whose record would not read again, as none does, gets the facts of no message.)
            var facts = MessageFacts(kind: nil, generation: nil, target: nil)
            if let pointer = try? record.decode(Finding.Place.self).pointer, let (message, _) = match,
                let read = message.read({ message throws(SpoolError) in
                    MessageFacts(
                        kind: message.kind, generation: message.generation.map { String(decoding: $0, as: UTF8.self) },
                        target: try message.payloadPlace(at: pointer).map {
                            Self.targetKind(pointer, isObject: $0.isObject, inArray: $0.inArray)
                        })
                })
            {
                facts = read
            }
            sort.add(facts, key: PositionKey(position: position, sequence: position))
        }
        return sort.sorted()
    }

    /// The document without its results.
    func document(index: ReportIndex, artifactIndex: [String: Int]) -> JSONValue {
        orderedObject([
            "$schema": .string(Self.schemaURI),
            "version": "2.1.0",
            "runs": [
                orderedObject([
                    "tool": orderedObject(["driver": driver()]),
                    "invocations": [invocation(artifactIndex: artifactIndex)],
                    "artifacts": .array(index.sources.map { artifact($0, input: index.input(named: $0)) }),
                    "results": .array([]),
                    "columnKind": "unicodeCodePoints",
                ])
            ],
        ])
    }

    private func driver() -> JSONValue {
        orderedObject([
            "name": .string(report.toolName),
            "version": .string(report.toolVersion),
            "semanticVersion": .string(report.toolVersion),
            "informationUri": .string(options.informationURI),
            "rules": .array(report.rules.map(rule)),
        ])
    }

    private func rule(_ rule: RuleDescriptor) -> JSONValue {
        orderedObject([
            "id": .string(rule.id),
            "name": .string(Self.ruleName(rule.id)),
            "shortDescription": orderedObject(["text": .string(rule.summary)]),
            "fullDescription": orderedObject(["text": .string(Self.fullDescription(rule))]),
            "help": orderedObject([
                "text": .string(rule.help),
                "markdown": .string(Self.helpMarkdown(rule)),
            ]),
            "defaultConfiguration": orderedObject(["level": .string(rule.defaultSeverity.rawValue)]),
            "properties": orderedObject([
                "tags": .array(Self.tags(rule).map(JSONValue.string)),
                "security-severity": .string(Self.securitySeverity(rule)),
            ]),
        ])
    }

    /// What the rule detects, then why it matters: code scanning shows it on the alert.
    static func fullDescription(_ rule: RuleDescriptor) -> String {
        let summary = rule.summary.hasSuffix(".") ? rule.summary : rule.summary + "."
        return summary.prefix(1).uppercased() + summary.dropFirst() + " " + rule.help
    }

    /// The rule's help page as code scanning renders it.
    static func helpMarkdown(_ rule: RuleDescriptor) -> String {
        """
        # `\(rule.id)`

        **\(rule.summary)** (default severity: \(rule.defaultSeverity.rawValue))

        \(rule.help)

        Run `usage-audit rules explain \(rule.id)` for the levels and generations it concerns, an example and \
        the fix; `--ignore \(rule.id)` drops its findings.
        """
    }

    /// The category (`privacy`, `level`, `protocol`...), and `security` with `privacy` for the rules about
    /// what a message discloses: GitHub reads `security-severity` only on rules tagged `security`.
    static func tags(_ rule: RuleDescriptor) -> [String] {
        let tags = Self.disclosesData(rule) ? ["security", "privacy", rule.category] : [rule.category]
        return tags.enumerated().filter { !tags[..<$0.offset].contains($0.element) }.map(\.element)
    }

    /// The categories whose findings are disclosures: a value or a detail that leaves the user's machine.
    private static func disclosesData(_ rule: RuleDescriptor) -> Bool {
        ["privacy", "level"].contains(rule.category)
    }

    /// GitHub's `security-severity`, a score from 0.0 to 10.0 as a string, which it buckets into low
    /// (0.1-3.9), medium (4.0-6.9), high (7.0-8.9) and critical (9.0 and over). The score follows what a
    /// finding means for the people whose runs are reported:
    /// - an error about what a message discloses (`privacy.*`: personal data, the user's own code names,
    ///   fields no generation may send, a MAC address in a correlator): 8.0, high. Not critical: the leak
    ///   is in telemetry a user opted into, not a way into their machine;
    /// - an error about a level's promise (`level.*`: configuration or execution detail sent at a level
    ///   that promised less): 7.0, high, the same kind of disclosure, of less identifying data;
    /// - any other error (protocol, schema, capture, session, log, journal, input, collector): 5.0,
    ///   medium: the message breaks its contract, or part of the traffic could not be audited, so a leak
    ///   may go unseen;
    /// - a warning: 4.0 (medium) about disclosure (sub-second timestamps), 2.0 (low) otherwise;
    /// - a note: 1.0, low: worth knowing, nothing to fix.
    static func securitySeverity(_ rule: RuleDescriptor) -> String {
        switch (rule.defaultSeverity, rule.category) {
        case (.error, "privacy"): "8.0"
        case (.error, "level"): "7.0"
        case (.error, _): "5.0"
        case (.warning, _): disclosesData(rule) ? "4.0" : "2.0"
        case (.note, _): "1.0"
        }
    }

    /// `privacy.user-code-identifier` -> `PrivacyUserCodeIdentifier`: SARIF's `name` is an identifier-like
    /// display name.
    static func ruleName(_ id: String) -> String {
        id.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }

    private func invocation(artifactIndex: [String: Int]) -> JSONValue {
        // An unreadable input is an error of the run; a file of a folder that holds no usage input was
        // skipped, which a note says (the run is still successful).
        let notifications: [JSONValue] = report.inputs.compactMap { input in
            let (level, text): (JSONValue, String)
            if let error = input.readError {
                (level, text) = ("error", "could not read \(input.source): \(error)")
            } else if let reason = input.skipped {
                (level, text) = ("note", "skipped \(input.source): \(reason)")
            } else {
                return nil
            }
            return orderedObject([
                "level": level,
                "message": orderedObject(["text": .string(text)]),
                "locations": [
                    orderedObject([
                        "physicalLocation": orderedObject([
                            "artifactLocation": artifactLocation(input.source, index: artifactIndex[input.source]!)
                        ])
                    ])
                ],
            ])
        }
        return orderedObject([
            "executionSuccessful": .bool(!report.hasUnreadableInput),
            "toolExecutionNotifications": .array(notifications),
        ])
    }

    private func artifact(_ source: String, input: InputSummary?) -> JSONValue {
        var members: [(String, JSONValue)] = [("location", orderedObject(["uri": .string(Self.uriReference(source))]))]
        if source == "-" { members.append(("description", orderedObject(["text": "standard input"]))) }
        if let input {
            members.append(
                (
                    "properties",
                    orderedObject(["inputKind": .string(input.kind), "messages": .integer(Int64(input.messages))])
                )
            )
        }
        return .object(JSONObject(members))
    }

    private func artifactLocation(_ source: String, index: Int) -> JSONValue {
        orderedObject(["uri": .string(Self.uriReference(source)), "index": .integer(Int64(index))])
    }

    /// Input kinds read as text, whose findings are placed by line.
    static let textKinds: Set<String> = ["log", "wire", "ndjson", "json"]

    /// Every result has a region, as code scanning wants: the line of a line-based input; the bytes of the
    /// frame or record of a capture or journal (their offset and length in the input as read); for a
    /// finding about a whole input, its start (line 1 of a text input, byte 0 of a binary one).
    static func region(_ finding: Finding, inputKind: String?) -> JSONValue {
        if case .line(let line) = finding.locator { return orderedObject(["startLine": .integer(Int64(line))]) }
        if let region = finding.region {
            return orderedObject([
                "byteOffset": .integer(Int64(region.offset)), "byteLength": .integer(Int64(region.length)),
            ])
        }
        let isText = inputKind.map(textKinds.contains) ?? (finding.locator == nil)
        return isText ? orderedObject(["startLine": 1]) : orderedObject(["byteOffset": 0])
    }

    /// A result as a value: what `ResultWriter` writes as text (a test holds the two equal).
    func result(
        _ finding: Finding, message: MessageFacts, inputKind: String?, artifactIndex: Int, ruleIndex: Int?
    ) -> JSONValue {
        let physical: [(String, JSONValue)] = [
            ("artifactLocation", artifactLocation(finding.source, index: artifactIndex)),
            ("region", Self.region(finding, inputKind: inputKind)),
        ]
        var location: [(String, JSONValue)] = [("physicalLocation", .object(JSONObject(physical)))]
        if let locator = finding.locator {
            location.append(("logicalLocations", [logicalLocation(finding, locator: locator, target: message.target)]))
        }

        var properties: [(String, JSONValue)] = [
            ("locator", JSONReport.locator(finding.locator)),
            ("pointer", .string(finding.pointer.description)),
        ]
        if let kind = message.kind { properties.append(("messageKind", .string(kind.rawValue))) }
        if let level = finding.level { properties.append(("level", .integer(Int64(level)))) }
        if let generation = message.generation { properties.append(("generation", .string(generation))) }
        if let correlator = finding.correlator { properties.append(("correlator", .string(correlator))) }
        if let network = finding.network { properties.append(("network", JSONReport.network(network))) }

        var members: [(String, JSONValue)] = [("ruleId", .string(finding.rule))]
        if let ruleIndex { members.append(("ruleIndex", .integer(Int64(ruleIndex)))) }
        members += [
            ("level", .string(finding.severity.rawValue)),
            ("message", orderedObject(["text": .string(finding.message)])),
            ("locations", [.object(JSONObject(location))]),
            ("partialFingerprints", .object(JSONObject([(Fingerprint.key, .string(finding.fingerprint ?? ""))]))),
        ]
        if report.baselineApplied {
            members.append(("baselineState", .string(finding.baselined ? "unchanged" : "new")))
        }
        members.append(("properties", .object(JSONObject(properties))))
        return .object(JSONObject(members))
    }

    /// The place inside the input: `packet 11/components/2` names the message and the member, and `kind`
    /// says what sits at the pointer when the message content is known.
    private func logicalLocation(_ finding: Finding, locator: Locator, target: String?) -> JSONValue {
        let pointer = finding.pointer
        var members: [(String, JSONValue)] = [
            ("name", .string(pointer.tokens.last ?? locator.description)),
            ("fullyQualifiedName", .string(locator.description + pointer.description)),
        ]
        if let target { members.append(("kind", .string(target))) }
        return .object(JSONObject(members))
    }

    /// What sits at `pointer` in the message: `element`, `property`, `object` or `value`; `nil` when the
    /// pointer does not resolve. The definition: the report itself reads the stored payload instead
    /// (`targetKind(_:isObject:inArray:)`), and `PayloadPlaceTests` holds the two equal.
    static func targetKind(_ pointer: JSONPointer, in payload: JSONValue) -> String? {
        guard let target = pointer.resolve(in: payload) else { return nil }
        if case .array = pointer.parent.resolve(in: payload), !pointer.isRoot { return "element" }
        if !pointer.isRoot { return "property" }
        if case .object = target { return "object" }
        return "value"
    }

    /// `targetKind(_:in:)` from what sits at the pointer (`AuditedMessage.RecordView.payloadPlace`), which
    /// the report reads without decoding the payload.
    static func targetKind(_ pointer: JSONPointer, isObject: Bool, inArray: Bool) -> String {
        if !pointer.isRoot { return inArray ? "element" : "property" }
        return isObject ? "object" : "value"
    }

    /// An input name as a URI reference: relative paths stay relative (code scanning resolves them against
    /// the checkout), absolute ones become `file://` URIs, and everything outside the unreserved set is
    /// percent-encoded.
    static func uriReference(_ path: String) -> String {
        var path = path
        var prefix = ""
        let scalars = Array(path.unicodeScalars)
        if scalars.count >= 3, scalars[0].properties.isAlphabetic, scalars[0].isASCII, scalars[1] == ":",
            scalars[2] == "\\" || scalars[2] == "/"
        {
            prefix = "file:///" + String(scalars[0]) + ":"
            path = "/" + path.dropFirst(3).replacing("\\", with: "/")
        } else if path.hasPrefix("/") {
            prefix = "file://"
        }
        var out = prefix
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (byte < 16 ? "0" : "") + hex
            }
        }
        return out
    }
}
