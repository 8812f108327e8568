import AuditModel
import Bytes
import JSONCore
import Storage

/// The contract's JSON report, key for key and in the contract's key order. Unknown values are `null`
/// rather than absent, so every message and finding object has the same keys. `format_version` says which
/// shape this is: 2 has `fingerprint` on every finding and `summary.baselined`.
///
/// One addition the contract allows ("may grow"): `inputs`, last, lists each input with its kind, message
/// count and read error, because the contract also says an input that could not be read is named in the
/// report, and no other key can name it.
struct JSONReport {
    let report: AuditReport
    /// The preparation of `report` (`ReportPreparation.InFlight`), when it runs while this writes: only
    /// the findings come from it, as preparation without suppressions changes nothing else; `nil` when
    /// `report` is prepared.
    var preparation: ReportPreparation.InFlight? = nil
    /// Whether the findings' fingerprints are worked out here, as the findings are written, rather than by
    /// a preparation: for a report prepared without suppressions whose findings all say which message they
    /// are about (no pairing), where a preparation would add nothing else (see `ReportWriter.render`).
    var fingerprintsWhileWriting = false

    /// Raised when a key changes meaning or goes away; new keys do not raise it.
    static let formatVersion = 2

    /// The same text as rendering `document()`, but streamed: each message and finding becomes a small
    /// value, is written and dropped, so the report never exists whole in memory. The counts come from the
    /// lists' tallies, so messages and findings are each read once.
    func render(to out: inout ReportOutput) {
        let printer = PrettyJSON(inlineSmallContainers: true)
        let skeleton = document(listing: false)
        guard case .object(let top) = skeleton else {
            out += printer.render(skeleton) + "\n"
            return
        }
        out += "{\n"
        let inner = printer.indentation(1)
        for (index, (key, value)) in top.enumerated() {
            out.write { text in
                text += inner
                PrettyJSON.writeScalar(.string(key), to: &text)
                text += ": "
            }
            switch key {
            case "messages": streamMessages(printer: printer, to: &out)
            case "findings": streamFindings(printer: printer, to: &out)
            default: out.write { printer.write(value, depth: 1, to: &$0) }
            }
            out += index + 1 < top.count ? ",\n" : "\n"
        }
        out += "}\n"
    }

    /// The whole report as one string (tests).
    func render() -> String {
        var out = ReportOutput()
        render(to: &out)
        return out.text
    }

    /// An array member of the top-level object, one element at a time, laid out as `PrettyJSON` lays out
    /// arrays of objects.
    private func stream<Element>(
        _ elements: AuditList<Element>, printer: PrettyJSON, to out: inout ReportOutput,
        _ write: (Element, inout ByteBuffer) -> Void
    ) {
        guard !elements.isEmpty else {
            out += "[]"
            return
        }
        var list = ArrayElements(count: elements.count, printer: printer)
        for element in elements { list.write(to: &out) { write(element, &$0) } }
        list.close(&out)
    }

    /// The elements of a top-level array member, written one at a time as `PrettyJSON` lays out an array of
    /// objects: the opening bracket before the first, each element on its own indented line with a comma
    /// unless it is the last of `count`, and the closing bracket. The one layout of the three streams.
    private struct ArrayElements: ~Copyable {
        private let indent: [UInt8]
        private let closing: String
        private var remaining: Int
        private var opened = false
        /// One element's text, built here and then appended whole: reused from element to element.
        private var element = ByteBuffer(capacity: 4096)

        init(count: Int, printer: PrettyJSON) {
            indent = Array(printer.indentation(2).utf8)
            closing = printer.indentation(1) + "]"
            remaining = count
        }

        mutating func write(to out: inout ReportOutput, _ element: (inout ByteBuffer) -> Void) {
            if !opened {
                out += "[\n"
                opened = true
            }
            remaining -= 1
            let last = remaining == 0
            self.element.removeAll()
            self.element.append(contentsOf: indent)
            element(&self.element)
            self.element.append(last ? "\n" : ",\n")
            out.append(self.element)
        }

        /// The closing bracket, after the opening one when no element came.
        func close(_ out: inout ReportOutput) {
            if !opened { out += "[\n" }
            out += closing
        }
    }

    /// The messages, written from their spooled records when they are spooled as stored (no `String` is
    /// made of their fields), else element by element; the same text either way.
    private func streamMessages(printer: PrettyJSON, to out: inout ReportOutput) {
        let messages = report.messages
        guard !messages.isEmpty else {
            out += "[]"
            return
        }
        if let runs = messages.recordRuns(), runs.count > 1 {
            return Self.streamRuns(
                runs, printer: printer, to: &out, worker: {}, prepare: { _, _ in }, order: { _ in }
            ) { _, run, layout, _, text in
                var position = 0
                run.forEachRecord { decoder throws(SpoolError) in
                    let message = try AuditedMessage.RecordView(reading: &decoder)
                    layout.element(position, to: &text) { Self.write(message, to: &$0) }
                    position += 1
                }
            }
        }
        var list = ArrayElements(count: messages.count, printer: printer)
        func written(_ message: AuditedMessage.RecordView) {
            list.write(to: &out) { Self.write(message, to: &$0) }
        }
        let fromRecords = messages.forEachRecord { decoder throws(SpoolError) in
            written(try AuditedMessage.RecordView(reading: &decoder))
        }
        if !fromRecords {
            for message in messages {
                // Reading a record just made from a message cannot fail.
                try? SpoolDecoder.reading(message) { decoder throws(SpoolError) in
                    written(try AuditedMessage.RecordView(reading: &decoder))
                }
            }
        }
        list.close(&out)
    }

    /// The findings, written from their spooled records when they are spooled as stored (no `String` is
    /// made of their fields), else element by element; the same text either way. While the report is
    /// prepared on another thread, the records are written as their fingerprints come (`FingerprintFeed`),
    /// so writing and preparing overlap.
    private func streamFindings(printer: PrettyJSON, to out: inout ReportOutput) {
        guard !report.findings.isEmpty else {
            out += "[]"
            return
        }
        if fingerprintsWhileWriting, let runs = report.findings.recordRuns() {
            let redactor = Redactor(tally: report.findings.tally)
            return Self.streamFingerprinting(runs, redactor: redactor, printer: printer, to: &out)
        }
        if let feed = preparation?.fingerprints {
            // Preparation without suppressions keeps every finding, in order: the unprepared list's records
            // are the prepared list's, one fingerprint each.
            var chunk: [Fingerprint?] = []
            var next = 0
            let followed = streamRecords(of: report.findings, printer: printer, to: &out) { _ in
                if next == chunk.count {
                    chunk = feed.nextChunk() ?? []
                    next = 0
                    guard !chunk.isEmpty else { return nil }
                }
                next += 1
                return chunk[next - 1]
            }
            if followed { return }
        }
        let findings = preparation?.prepared.findings ?? report.findings
        guard streamRecords(of: findings, printer: printer, to: &out, fingerprint: { $0?.fingerprint }) else {
            return stream(findings, printer: printer, to: &out) { Self.write($0, to: &$1) }
        }
    }

    /// The findings from the runs of their records, each with the fingerprint report preparation would give
    /// it: each run's identities worked out on the thread that renders it (a `Fingerprinter` each, masking
    /// with `redactor`), then counted in report order (`OccurrenceCounts`, one for the report), then written.
    private static func streamFingerprinting(
        _ runs: [RecordRun], redactor: Redactor, printer: PrettyJSON, to out: inout ReportOutput
    ) {
        let occurrences = Occurrences()
        streamRuns(
            runs, printer: printer, to: &out, worker: { Fingerprinter(redactor: redactor) },
            prepare: { fingerprinter, run in
                var prefixes: [Fingerprinter.HashPrefix] = []
                prefixes.reserveCapacity(run.count)
                run.forEachRecord { decoder throws(SpoolError) in
                    let finding = try Finding.RecordView(reading: &decoder)
                    let kind = ReportPreparation.message(ofFindingAt: finding.locator, saying: finding.subject)?.kind
                    prefixes.append(fingerprinter.identityPrefix(finding, messageKind: kind))
                }
                return prefixes
            },
            order: { prefixes in prefixes.map { Fingerprint(prefix: $0, occurrence: occurrences.counting($0)) } },
            render: { _, run, layout, fingerprints, text in
                var position = 0
                run.forEachRecord { decoder throws(SpoolError) in
                    let finding = try Finding.RecordView(reading: &decoder)
                    let fingerprint = position < fingerprints.count ? fingerprints[position] : nil
                    layout.element(position, to: &text) { Self.write(finding, fingerprint: fingerprint, to: &$0) }
                    position += 1
                }
            })
    }

    /// The report's occurrence counts, taken by one run at a time (`RunRendering`'s ordered step, under its
    /// lock): `@unchecked Sendable` for that.
    private final class Occurrences: @unchecked Sendable {
        private var counts = Fingerprinter.OccurrenceCounts()
        func counting(_ prefix: Fingerprinter.HashPrefix) -> Int { counts.counting(prefix) }
    }

    /// The elements of a top-level array member from the runs of its spooled records, rendered on this
    /// thread and a helper (`RunRendering`: each thread with its own `Worker`, each run prepared, ordered
    /// and rendered), laid out as `ArrayElements` lays them out: `render` writes a run's elements, each
    /// through the run's `RunLayout`.
    private static func streamRuns<Worker, Prepared, Context>(
        _ runs: [RecordRun], printer: PrettyJSON, to out: inout ReportOutput,
        worker: @escaping @Sendable () -> Worker,
        prepare: @escaping @Sendable (inout Worker, RecordRun) -> Prepared,
        order: @escaping @Sendable (Prepared) -> Context,
        render: @escaping @Sendable (inout Worker, RecordRun, RunLayout, Context, inout ByteBuffer) -> Void
    ) {
        let indent = Array(printer.indentation(2).utf8)
        out += "[\n"
        RunRendering.render(
            runs: runs.count, worker: worker, prepare: { worker, index in prepare(&worker, runs[index]) },
            order: { _, prepared in order(prepared) },
            render: { worker, index, context, text in
                let layout = RunLayout(indent: indent, endsTheArray: index == runs.count - 1, count: runs[index].count)
                render(&worker, runs[index], layout, context, &text)
            },
            write: { out.append($0) })
        out += printer.indentation(1) + "]"
    }

    /// The layout of one run's elements: each on its own indented line, followed by a comma but for the
    /// array's last.
    private struct RunLayout: Sendable {
        let indent: [UInt8]
        /// Whether the run's last element is the array's.
        let endsTheArray: Bool
        /// Elements in the run.
        let count: Int

        /// Writes the run's element at `position` (from 0) through `body`.
        func element(_ position: Int, to text: inout ByteBuffer, _ body: (inout ByteBuffer) -> Void) {
            text.append(contentsOf: indent)
            body(&text)
            text.append(endsTheArray && position == count - 1 ? "\n" : ",\n")
        }
    }

    /// Writes the findings of `findings` from their records, each with the fingerprint `fingerprint` gives
    /// for its amendment; false, having written nothing, when they are not spooled as stored.
    private func streamRecords(
        of findings: AuditList<Finding>, printer: PrettyJSON, to out: inout ReportOutput,
        fingerprint: (ReportPreparation.Amendment?) -> Fingerprint?
    ) -> Bool {
        var list = ArrayElements(count: findings.count, printer: printer)
        let fromRecords = findings.forEachRecord(
            amendedBy: ReportPreparation.Amendment.self, keeps: \.isKept
        ) { decoder, amendment throws(SpoolError) in
            let record = try Finding.RecordView(reading: &decoder)
            list.write(to: &out) { Self.write(record, fingerprint: fingerprint(amendment), to: &$0) }
        }
        guard fromRecords else { return false }
        list.close(&out)
        return true
    }

    func document() -> JSONValue { document(listing: true) }

    /// The report as one value; without `listing`, `messages` and `findings` are left empty for `render`
    /// to stream.
    private func document(listing: Bool) -> JSONValue {
        let document = orderedObject([
            "tool": orderedObject(["name": .string(report.toolName), "version": .string(report.toolVersion)]),
            "format_version": .integer(Int64(Self.formatVersion)),
            "summary": orderedObject([
                "inputs": .integer(Int64(report.inputs.count)),
                "messages": .integer(Int64(report.messages.count)),
                "observations": .integer(Int64(report.observationCount)),
                "unparsed": .integer(Int64(report.unparsedCount)),
                "forgotten_messages": .integer(Int64(report.forgottenMessages)),
                "findings": orderedObject([
                    "error": .integer(Int64(report.count(.error))),
                    "warning": .integer(Int64(report.count(.warning))),
                    "note": .integer(Int64(report.count(.note))),
                ]),
                "baselined": .integer(Int64(report.baselinedCount)),
            ]),
            "messages": .array(listing ? report.messages.map(Self.message) : []),
            "findings": .array(listing ? report.findings.map(Self.finding) : []),
            "inputs": .array(report.inputs.map(Self.input)),
        ])
        // `hosts` only when an input had network evidence, before `inputs`.
        guard !report.hosts.isEmpty, case .object(let top) = document else { return document }
        var members = Array(top.map { ($0, $1) })
        members.insert(("hosts", .array(report.hosts.map(Self.host))), at: members.count - 1)
        return .object(JSONObject(members))
    }

    // MARK: Elements written directly
    //
    // A message or finding is an object of more than three members, so `PrettyJSON` lays it out one member
    // per line, and its locator (one scalar member) inline. Writing that layout as UTF-8 straight from the
    // struct spares building a `JSONValue` (and a `String`) per element, which for a report of a million
    // findings is most of its cost; `streamedTextEqualsTheWholeDocument` holds the two equal.

    // The literal text between an element's values, as `PrettyJSON` lays it out (indented by two spaces a
    // level: members of an element of a top-level array at depth 3, its closing brace at depth 2; a sighting
    // at depth 4, its members at 5). Literals, read from the binary: a report writes a dozen for every
    // message and finding, and a stored `static let` is read through its lazy initializer each time.
    // `streamedTextEqualsTheWholeDocument` holds them to `PrettyJSON`'s layout.

    private static var close: StaticString { "\n    }" }

    /// Punctuation and member names: literals, copied from the binary as they are. Inlined, so that each
    /// literal's length is known where it is copied and the copy is a move or two, not a call to `memcpy`.
    @inline(__always)
    private static func put(_ text: StaticString, _ out: inout ByteBuffer) { out.append(text) }

    private static func put(_ number: Int, _ out: inout ByteBuffer) { out.append(decimal: Int64(number)) }

    /// Each member's opening: `{` or `,`, a line break, the indentation and the quoted name.
    private enum MessageMember {
        static var source: StaticString { "{\n      \"source\": " }
        static var locator: StaticString { ",\n      \"locator\": " }
        static var kind: StaticString { ",\n      \"kind\": " }
        static var level: StaticString { ",\n      \"level\": " }
        static var correlator: StaticString { ",\n      \"correlator\": " }
        static var generation: StaticString { ",\n      \"generation\": " }
        static var findings: StaticString { ",\n      \"findings\": " }
        static var observations: StaticString { ",\n      \"observations\": " }
        static var network: StaticString { ",\n      \"network\": " }
        static var observed: StaticString { ",\n      \"observed\": " }
    }

    private enum FindingMember {
        static var rule: StaticString { "{\n      \"rule\": " }
        static var severity: StaticString { ",\n      \"severity\": " }
        static var source: StaticString { ",\n      \"source\": " }
        static var locator: StaticString { ",\n      \"locator\": " }
        static var network: StaticString { ",\n      \"network\": " }
        static var pointer: StaticString { ",\n      \"pointer\": " }
        static var level: StaticString { ",\n      \"level\": " }
        static var correlator: StaticString { ",\n      \"correlator\": " }
        static var fingerprint: StaticString { ",\n      \"fingerprint\": " }
        static var message: StaticString { ",\n      \"message\": " }
    }

    private static func string(_ text: (some JSONText)?, to out: inout ByteBuffer) {
        guard let text else { return put("null", &out) }
        text.appendQuoted(to: &out)
    }

    /// A kind's and a severity's raw value as a JSON string, from the binary (a `String` would be escaped).
    private static func quoted(_ kind: MessageKind) -> StaticString {
        switch kind {
        case .start: "\"start\""
        case .end: "\"end\""
        case .unknown: "\"unknown\""
        }
    }

    private static func quoted(_ severity: Severity) -> StaticString {
        switch severity {
        case .note: "\"note\""
        case .warning: "\"warning\""
        case .error: "\"error\""
        }
    }

    private static func number(_ value: Int?, to out: inout ByteBuffer) {
        guard let value else { return put("null", &out) }
        put(value, &out)
    }

    private static func locator(_ locator: Locator?, to out: inout ByteBuffer) {
        guard let locator else {
            put("null", &out)
            return
        }
        switch locator {
        case .packet(let number): put("{\"packet\": ", &out); put(number, &out)
        case .line(let number): put("{\"line\": ", &out); put(number, &out)
        case .record(let number): put("{\"record\": ", &out); put(number, &out)
        }
        put("}", &out)
    }

    /// A message from its spooled record (a message in memory is written from the record it would be).
    static func write(_ message: AuditedMessage.RecordView, to out: inout ByteBuffer) {
        out.append(MessageMember.source)
        let sourceStart = out.count
        string(message.source, to: &out)
        let sourceText = sourceStart..<out.count
        out.append(MessageMember.locator)
        let locatorStart = out.count
        locator(message.locator, to: &out)
        let locatorText = locatorStart..<out.count
        out.append(MessageMember.kind); put(quoted(message.kind), &out)
        out.append(MessageMember.level); number(message.level, to: &out)
        out.append(MessageMember.correlator); string(message.correlator, to: &out)
        out.append(MessageMember.generation); string(message.generation, to: &out)
        out.append(MessageMember.findings); number(message.findings, to: &out)
        out.append(MessageMember.observations); number(message.observations, to: &out)
        out.append(MessageMember.network)
        let networkStart = out.count
        network(message.network, to: &out)
        let networkText = networkStart..<out.count
        out.append(MessageMember.observed)
        observed(message, sourceText: sourceText, locatorText: locatorText, networkText: networkText, to: &out)
        out.append(close)
    }

    /// A finding in memory is written from its record too: one layout for both.
    static func write(_ finding: Finding, to out: inout ByteBuffer) {
        // Reading a record just made from a finding cannot fail.
        try? SpoolDecoder.reading(finding) { decoder throws(SpoolError) in
            write(try Finding.RecordView(reading: &decoder), fingerprint: nil, to: &out)
        }
    }

    /// A finding from its spooled record, with the fingerprint its amendment gives (if any).
    static func write(_ finding: Finding.RecordView, fingerprint: Fingerprint?, to out: inout ByteBuffer) {
        out.append(FindingMember.rule); string(finding.rule, to: &out)
        out.append(FindingMember.severity); put(quoted(finding.severity), &out)
        out.append(FindingMember.source); string(finding.source, to: &out)
        out.append(FindingMember.locator); locator(finding.locator, to: &out)
        out.append(FindingMember.network)
        network(finding.network, to: &out)
        out.append(FindingMember.pointer); pointer(finding.pointerTokens, to: &out)
        out.append(FindingMember.level); number(finding.level, to: &out)
        out.append(FindingMember.correlator); string(finding.correlator, to: &out)
        out.append(FindingMember.fingerprint)
        if let fingerprint { fingerprint.writeQuoted(to: &out) } else { string(finding.fingerprint, to: &out) }
        out.append(FindingMember.message); string(finding.message, to: &out)
        out.append(close)
    }

    /// A pointer's text (`JSONPointer.description`: each token after `/`, with `~` and `/` escaped) as a
    /// JSON string, from its tokens' bytes.
    private static func pointer(_ tokens: Finding.RecordView.StringList, to out: inout ByteBuffer) {
        put("\"", &out)
        tokens.forEach { token in
            put("/", &out)
            let bytes = token.assumingMemoryBound(to: UInt8.self)
            if !bytes.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }),
                !StringBytes.needsJSONEscape(bytes)
            {
                out.append(contentsOf: bytes)
            } else {
                var quoted: [UInt8] = []
                Escape.appendJSONString(JSONPointer.escape(String(decoding: bytes, as: UTF8.self)), to: &quoted)
                quoted.withUnsafeBytes {
                    out.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0.dropFirst().dropLast()))
                }
            }
        }
        put("\"", &out)
    }

    /// The network evidence, laid out as `PrettyJSON` lays out a member at `depth` (an object of four
    /// members: one member per line).
    private static func network(_ network: Finding.RecordView.Network?, depth: Int = 3, to out: inout ByteBuffer) {
        guard let network else { return put("null", &out) }
        Self.network(
            from: network.from, to: network.to, time: network.time, interface: network.interface, depth: depth,
            to: &out)
    }

    /// Network evidence laid out at `depth` (the JSON report's elements, SARIF's result properties).
    static func network<Text: JSONText>(
        from: Text, to: Text?, time: Text, interface: Text?, depth: Int = 3, to out: inout ByteBuffer
    ) {
        let inner = indentation[depth + 1]
        put("{\n", &out)
        out.append(contentsOf: inner); put("\"from\": ", &out); string(from, to: &out)
        put(",\n", &out)
        out.append(contentsOf: inner); put("\"to\": ", &out); string(to, to: &out)
        put(",\n", &out)
        out.append(contentsOf: inner); put("\"time\": ", &out); string(time, to: &out)
        put(",\n", &out)
        out.append(contentsOf: inner); put("\"interface\": ", &out); string(interface, to: &out)
        put("\n", &out)
        out.append(contentsOf: indentation[depth])
        put("}", &out)
    }

    /// The sightings (`AuditedMessage.observed`: the message's own place, then the later ones), laid out as
    /// `PrettyJSON` lays out a member of an element (depth 3): each sighting an object on its own lines, as
    /// its locator is a container. The first sighting's source, locator and network evidence are the
    /// message's own, whose text was just written at `sourceText`, `locatorText` and `networkText` of `out`:
    /// copied from there, not made again (the evidence two levels deeper).
    private static func observed(
        _ message: AuditedMessage.RecordView, sourceText: Range<Int>, locatorText: Range<Int>,
        networkText: Range<Int>, to out: inout ByteBuffer
    ) {
        put("[\n", &out)
        let last = message.laterObservations.count
        out.append(SightingPiece.source)
        out.appendCopy(of: sourceText)
        out.append(SightingPiece.locator)
        out.appendCopy(of: locatorText)
        if message.network != nil {
            out.append(SightingPiece.network)
            appendTwoLevelsDeeper(networkText, of: &out)
            out.append(last == 0 ? SightingPiece.lastClose : SightingPiece.close)
        } else {
            out.append(last == 0 ? SightingPiece.noNetworkLast : SightingPiece.noNetwork)
        }
        for (index, later) in message.laterObservations.enumerated() {
            sighting(later.source, later.locator, later.network, last: index + 1 == last, to: &out)
        }
        out.append(contentsOf: indentation[3])
        put("]", &out)
    }

    /// One element of `observed`: its literal pieces joined once (`SightingPiece`), so that a sighting costs a
    /// few appends rather than twenty.
    private static func sighting(
        _ source: UnsafeRawBufferPointer, _ locator: Locator, _ network: Finding.RecordView.Network?, last: Bool,
        to out: inout ByteBuffer
    ) {
        out.append(SightingPiece.source); string(source, to: &out)
        out.append(SightingPiece.locator); Self.locator(locator, to: &out)
        sightingNetwork(network, last: last, to: &out)
    }

    /// Appends a copy of `range` of `out`, text laid out as `PrettyJSON` lays it out at one depth, as it lays
    /// it out two levels deeper: four more spaces after each line break. (A line break is never inside a
    /// value: JSON strings hold theirs escaped.)
    private static func appendTwoLevelsDeeper(_ range: Range<Int>, of out: inout ByteBuffer) {
        var start = range.lowerBound
        while start < range.upperBound {
            let lineBreak = out.withUnsafeBytes { bytes in
                Bytewise.firstIndex(
                    of: UInt8(ascii: "\n"), in: bytes.baseAddress! + start, count: range.upperBound - start
                ).map { start + $0 }
            }
            guard let lineBreak else { return out.appendCopy(of: start..<range.upperBound) }
            out.appendCopy(of: start..<(lineBreak + 1))
            put("    ", &out)
            start = lineBreak + 1
        }
    }

    /// The rest of a sighting after its locator: its network evidence and the object's end.
    private static func sightingNetwork(_ network: Finding.RecordView.Network?, last: Bool, to out: inout ByteBuffer) {
        if let network {
            out.append(SightingPiece.network)
            Self.network(network, depth: 5, to: &out)
            out.append(last ? SightingPiece.lastClose : SightingPiece.close)
        } else {
            out.append(last ? SightingPiece.noNetworkLast : SightingPiece.noNetwork)
        }
    }

    /// The literal text between a sighting's values, as `PrettyJSON` lays it out at depth 4.
    private enum SightingPiece {
        static var source: StaticString { "        {\n          \"source\": " }
        static var locator: StaticString { ",\n          \"locator\": " }
        static var network: StaticString { ",\n          \"network\": " }
        static var close: StaticString { "\n        },\n" }
        static var lastClose: StaticString { "\n        }\n" }
        static var noNetwork: StaticString { ",\n          \"network\": null\n        },\n" }
        static var noNetworkLast: StaticString { ",\n          \"network\": null\n        }\n" }
    }

    /// `PrettyJSON`'s indentation of each depth an element's members reach, as bytes.
    private static let indentation: [[UInt8]] = (0...8).map { Array(PrettyJSON().indentation($0).utf8) }

    static func network(_ network: NetworkEvidence?) -> JSONValue {
        guard let network else { return .null }
        return orderedObject([
            "from": .string(network.from),
            "to": optional(network.to),
            "time": .string(network.time),
            "interface": optional(network.interface),
        ])
    }

    static func observation(_ observation: Observation) -> JSONValue {
        orderedObject([
            "source": .string(observation.source),
            "locator": locator(observation.locator),
            "network": network(observation.network),
        ])
    }

    static func host(_ host: HostSummary) -> JSONValue {
        orderedObject([
            "address": .string(host.address),
            "messages": .integer(Int64(host.messages)),
            "generations": .array(host.generations.map(JSONValue.string)),
            "parsl_versions": .array(host.parslVersions.map(JSONValue.string)),
            "levels": .array(host.levels.map { .integer(Int64($0)) }),
            "findings": orderedObject([
                "error": .integer(Int64(host.count(.error))),
                "warning": .integer(Int64(host.count(.warning))),
                "note": .integer(Int64(host.count(.note))),
            ]),
            "rules": .array(host.rules.map(JSONValue.string)),
        ])
    }

    static func input(_ input: InputSummary) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("source", .string(input.source)),
            ("kind", .string(input.kind)),
            ("messages", .integer(Int64(input.messages))),
            ("error", optional(input.readError)),
        ]
        // Present only when they apply, so reports of plain inputs keep their shape.
        if let skipped = input.skipped { members.append(("skipped", .string(skipped))) }
        if let dropped = input.liveLinesDropped { members.append(("live_lines_dropped", .integer(Int64(dropped)))) }
        return .object(JSONObject(members))
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
            "observations": .integer(Int64(message.observations)),
            "network": network(message.network),
            "observed": .array(message.observed.map(observation)),
        ])
    }

    static func finding(_ finding: Finding) -> JSONValue {
        orderedObject([
            "rule": .string(finding.rule),
            "severity": .string(finding.severity.rawValue),
            "source": .string(finding.source),
            "locator": locator(finding.locator),
            "network": network(finding.network),
            "pointer": .string(finding.pointer.description),
            "level": optional(finding.level),
            "correlator": optional(finding.correlator),
            "fingerprint": optional(finding.fingerprint),
            "message": .string(finding.message),
        ])
    }
}

/// A text a report element holds: a `String`, or the UTF-8 bytes of a field of a spooled record.
protocol JSONText {
    /// Appends the text as a JSON string, quoted and escaped.
    func appendQuoted(to out: inout ByteBuffer)
}

extension String: JSONText {
    func appendQuoted(to out: inout ByteBuffer) { Escape.appendJSONString(self, to: &out) }
}

extension UnsafeRawBufferPointer: JSONText {
    func appendQuoted(to out: inout ByteBuffer) { Escape.appendJSONString(utf8: self, to: &out) }
}
