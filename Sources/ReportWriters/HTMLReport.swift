import AuditModel
import Bytes
import JSONCore
import Storage

/// One self-contained page for an auditor: the verdict and counts, the inputs, the disclosure matrix
/// (what the schemas allow at each level beside what the audited messages carried), a findings table that
/// sorts and filters without a network, and each message with findings shown as pretty JSON with the
/// offending part marked at its pointer.
///
/// Self-contained means no reference outside the file: inline CSS, one small inline script, and a
/// Content-Security-Policy that forbids every fetch and allows only that script (by its hash), so even a
/// mistake could not make the page reach out. Every value from a message is HTML-escaped.
struct HTMLReport {
    let report: AuditReport
    let options: ReportOptions

    /// Rows of the findings table and message cards, beyond which the page only counts: a browser still
    /// opens it when a hostile capture yields a million findings.
    static let maximumFindingRows = 5_000
    static let maximumMessageCards = 1_000
    /// Longest pretty-printed payload shown, in UTF-8 bytes of JSON text.
    static let maximumPayloadBytes = 64 * 1024
    /// Up to this many inputs, their table starts unfolded.
    static let inputsShownOpen = 20

    /// The page is written section by section. Only bounded parts are held: the counts, the cards of the
    /// first `maximumMessageCards` messages with findings (with their content), the first
    /// `maximumFindingRows` findings' anchors.
    func render(to out: inout ReportOutput, scratch: ScratchSpools) {
        let index = ReportIndex(report)
        let cards = Cards(report, index: index, scratch: scratch)
        out += """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src '\(Self.scriptHash)'">
            <title>\(h(report.toolName)) report</title>
            <style>\(Self.css)</style>
            </head>
            <body>

            """
        out += header(index)
        out += summary(index)
        out += sent()
        findingsTable(cards, to: &out)
        out += disclosure()
        messageCards(cards, to: &out)
        out += "<footer>\(h(report.toolName)) \(h(report.toolVersion))</footer>\n"
        out += "<script>\(Self.script)</script>\n</body>\n</html>\n"
    }

    private func h(_ text: String) -> String { Escape.html(text) }

    private func badge(_ severity: Severity) -> String {
        "<span class=\"badge \(severity.rawValue)\">\(severity.rawValue)</span>"
    }

    // MARK: Sections

    private func header(_ index: ReportIndex) -> String {
        let failing = index.failingCount(options.failOn)
        let unreadable = report.inputs.count { $0.readError != nil }
        let verdict: String
        if unreadable > 0 {
            verdict =
                "<span class=\"verdict fail\">failed: \(ReportIndex.plural(unreadable, "input")) could not be read</span>"
        } else if failing > 0 {
            verdict =
                "<span class=\"verdict fail\">failed: \(ReportIndex.plural(failing, "finding")) at or above --fail-on \(options.failOn.rawValue)</span>"
        } else {
            verdict = "<span class=\"verdict pass\">passed at --fail-on \(options.failOn.rawValue)</span>"
        }
        return """
            <header><h1>Usage-tracking audit</h1>
            <p>\(ReportIndex.plural(report.messages.count, "message")) in \(ReportIndex.plural(report.inputs.count, "input")), \(report.unparsedCount) unparsed. \(verdict)</p>
            <nav><a href="#summary">Summary</a> <a href="#sent">What was sent</a> <a href="#findings">Findings</a> <a href="#disclosure">Disclosure matrix</a> <a href="#messages">Messages</a></nav>
            </header>

            """
    }

    private func summary(_ index: ReportIndex) -> String {
        var out = "<section id=\"summary\"><h2>Summary</h2>\n<div class=\"cards\">\n"
        for (severity, count) in index.counts {
            out +=
                "<div class=\"card \(severity.rawValue)\"><b>\(count)</b> \(count == 1 ? severity.rawValue : severity.rawValue + "s")</div>\n"
        }
        // A long list of inputs starts folded, unreadable ones counted in its title, so the page opens on the
        // verdict and the counts rather than on a table of files.
        let unreadable = report.inputs.count { $0.readError != nil }
        // Files of a folder that hold no usage input are listed, not checked: said in the title and the row.
        let skipped = report.inputs.count { $0.skipped != nil }
        out += "</div>\n<details\(index.sources.count <= Self.inputsShownOpen ? " open" : "")><summary><h3>"
        out += ReportIndex.plural(index.sources.count, "input")
        out += (unreadable > 0 ? ", \(unreadable) unreadable" : "") + (skipped > 0 ? ", \(skipped) skipped" : "")
        out += "</h3></summary>\n"
        out +=
            "<table><thead><tr><th>input</th><th>kind</th><th>messages</th><th>findings</th><th>status</th></tr></thead><tbody>\n"
        for source in index.sources {
            let input = index.input(named: source)
            let counts = ReportIndex.counts(bySeverity: index.facts(of: source).findingsBySeverity).filter { $0.1 > 0 }
                .map { ReportIndex.plural($1, $0.rawValue) }
                .joined(separator: ", ")
            let status =
                input?.readError.map { "<span class=\"unreadable\">could not be read: \(h($0))</span>" }
                ?? input?.skipped.map { "<span class=\"skipped\">skipped: \(h($0))</span>" } ?? "read"
            out += "<tr><td><code>\(h(source))</code></td><td>\(h(input?.kind ?? ""))</td>"
            out += "<td class=\"num\">\(index.messageCount(of: source))</td>"
            out += "<td>\(counts.isEmpty ? "none" : counts)</td><td>\(status)</td></tr>\n"
        }
        out += "</tbody></table>\n</details>\n"
        let rules = index.ruleCounts()
        if !rules.isEmpty {
            out +=
                "<h3>By rule</h3>\n<table><thead><tr><th>rule</th><th>severity</th><th>findings</th><th>what it detects</th></tr></thead><tbody>\n"
            for (rule, severity, count) in rules {
                let summary = report.rules.first { $0.id == rule }?.summary ?? ""
                out +=
                    "<tr><td><code>\(h(rule))</code></td><td>\(badge(severity))</td><td class=\"num\">\(count)</td><td>\(h(summary))</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        return out + "</section>\n"
    }

    /// What was sent, even by a clean run: messages by generation and level, and the senders with a bar of
    /// their findings, most errors first (which machines leak, and what they run).
    private func sent() -> String {
        var byKind: [String: Int] = [:]
        // Only the front of each record is read: the payload (most of a message) is not decoded here.
        for message in report.messages.parts(AuditedMessage.Summary.self, from: AuditedMessage.Summary.init)
        where message.parsed {
            let level = message.level.map { "level \($0)" } ?? "no level"
            byKind["\(message.generation ?? "unknown generation") \(message.kind.rawValue), \(level)", default: 0] += 1
        }
        var out = "<section id=\"sent\"><h2>What was sent</h2>\n"
        if byKind.isEmpty {
            out += "<p>No message could be decoded.</p>\n"
        } else {
            out += "<table><thead><tr><th>generation, message, level</th><th>messages</th></tr></thead><tbody>\n"
            for (kind, count) in byKind.sorted(by: { $0.key < $1.key }) {
                out += "<tr><td>\(h(kind))</td><td class=\"num\">\(count)</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        if !report.hosts.isEmpty {
            let widest = max(1, report.hosts.map { $0.findingsBySeverity.reduce(0, +) }.max() ?? 1)
            out += "<h3>\(ReportIndex.plural(report.hosts.count, "sender"))</h3>\n<table class=\"hosts\"><thead><tr>"
            out += "<th>sender</th><th>messages</th><th>findings</th><th>generations</th><th>Parsl versions</th>"
            out += "<th>levels</th><th>rules</th></tr></thead><tbody>\n"
            for host in report.hosts.prefix(Self.maximumHostRows) {
                var bar = ""
                for severity in Severity.allCases.reversed() where host.count(severity) > 0 {
                    let width = max(1, host.count(severity) * 160 / widest)
                    bar += "<span class=\"bar \(severity.rawValue)\" style=\"width:\(width)px\"></span>"
                }
                let counts = Severity.allCases.reversed().map { "\(host.count($0)) \($0.rawValue)" }
                    .joined(separator: ", ")
                out += "<tr><td><code>\(h(host.address))</code></td><td class=\"num\">\(host.messages)</td>"
                out += "<td title=\"\(h(counts))\">\(bar) \(h(counts))</td>"
                out += "<td>\(h(host.generations.joined(separator: ", ")))</td>"
                out += "<td>\(h(host.parslVersions.joined(separator: ", ")))</td>"
                out += "<td>\(h(host.levels.map(String.init).joined(separator: ", ")))</td>"
                out += "<td>\(host.rules.map { "<code>\(h($0))</code>" }.joined(separator: " "))</td></tr>\n"
            }
            out += "</tbody></table>\n"
            if report.hosts.count > Self.maximumHostRows {
                out +=
                    "<p class=\"cut\">\(report.hosts.count - Self.maximumHostRows) more senders; the JSON report lists them all.</p>\n"
            }
        }
        return out + "</section>\n"
    }

    /// Senders listed in the page.
    static let maximumHostRows = 500

    private func disclosure() -> String {
        var out = "<section id=\"disclosure\"><details><summary><h2>Disclosure matrix</h2></summary>\n"
        guard let matrix = report.disclosure else {
            return out + "<p>The schemas in use state no disclosure matrix.</p></details></section>\n"
        }
        let known = Set(matrix.rows.map { DisclosureObservation.FieldKey(field: $0.field, message: $0.message) })
        let observation = DisclosureObservation(report.messages, known: known)
        // Old generations carry no level; their column appears only when such messages were seen.
        let levels: [Int?] = [1, 2, 3] + (observation.sawMessagesWithoutLevel ? [nil] : [])
        let decoded = observation.decodedMessages, kept = observation.messagesWithContent
        out += "<p>For each field, what the schemas allow at each tracking level, and in how many of the "
        // A report made without every message's content (an API caller's choice) says what it counts.
        out +=
            kept == decoded
            ? "\(decoded) decoded messages audited"
            : "\(kept) messages whose content this report kept (of the \(decoded) decoded messages audited)"
        out += " it was seen at that level. "
        out += "<span class=\"leak\">Red</span> marks a field seen where it is not allowed.</p>\n"
        out += "<table class=\"matrix\"><thead><tr><th>field</th><th>message</th><th>discloses</th><th>generations</th>"
        out +=
            levels.map { $0.map { "<th>level \($0)</th>" } ?? "<th>no level (old generations)</th>" }.joined()
            + "</tr></thead><tbody>\n"
        for row in matrix.rows {
            out += "<tr><td><code>\(h(row.field))</code></td><td>\(h(row.message))</td><td>\(h(row.discloses))</td>"
            out += "<td>\(h(row.generations.joined(separator: ", ")))</td>"
            for level in levels {
                let seen = observation.count(
                    row.field, row.message, level, generations: row.generations.isEmpty ? nil : row.generations)
                // Without a level there is nothing to allow or forbid until a message shows the field.
                out +=
                    level == nil && seen == 0
                    ? "<td class=\"unseen\">–</td>" : cell(allowed: allowance(row, level), seen: seen)
            }
            out += "</tr>\n"
        }
        for key in observation.unknownTopLevelFields.sorted() {
            out +=
                "<tr class=\"unknown\"><td><code>\(h(key.field))</code></td><td>\(h(key.message))</td><td>not in the schemas</td><td></td>"
            for level in levels { out += cell(allowed: .no, seen: observation.count(key.field, key.message, level)) }
            out += "</tr>\n"
        }
        if observation.leftUnknownFieldsOut {
            out +=
                "<tr class=\"unknown\"><td colspan=\"\(4 + levels.count)\">More fields not in the schemas were seen; "
                + "the first \(DisclosureObservation.mostUnknownFields) are listed.</td></tr>\n"
        }
        return out + "</tbody></table>\n</details></section>\n"
    }

    private enum Allowance { case yes, no, dependsOnLevel }

    /// Without a level, a field is allowed when every level allows it, never when none does, and otherwise
    /// it depends on the level the client was configured with.
    private func allowance(_ row: DisclosureMatrix.Row, _ level: Int?) -> Allowance {
        if let level { return row.allowed(atLevel: level) ? .yes : .no }
        guard let minimum = row.minimumLevel else { return .no }
        return minimum <= 1 ? .yes : .dependsOnLevel
    }

    private func cell(allowed: Allowance, seen: Int) -> String {
        let state = seen == 0 ? "unseen" : allowed == .no ? "leak" : allowed == .yes ? "seen" : "unsure"
        let allowedText =
            switch allowed {
            case .yes: "<span class=\"allowed\">allowed</span>"
            case .no: "<span class=\"forbidden\">not allowed</span>"
            case .dependsOnLevel: "<span class=\"forbidden\">depends on the level</span>"
            }
        let seenText = seen > 0 ? "<br>seen in \(ReportIndex.plural(seen, "message"))" : ""
        return "<td class=\"\(state)\">\(allowedText)\(seenText)</td>"
    }

    /// The messages with findings that get a card, and where each listed finding row links to: gathered in
    /// one pass of `MessageMatch`, keeping only the first `maximumMessageCards` such messages (by report
    /// position) with their findings.
    private struct Cards {
        struct Card {
            var message: AuditedMessage
            /// The findings pointing at the message: report position and finding, in report order.
            var findings: [(position: Int, finding: Finding)]
        }

        /// By message position; at most `maximumMessageCards`.
        private(set) var shown: [Int: Card] = [:]
        /// Positions of `shown`, ascending.
        private(set) var positions: [Int] = []
        /// Messages with findings, shown or not.
        private(set) var total = 0
        /// For each of the first `maximumFindingRows` findings that points at a message: that message's position.
        private(set) var messageOfRow: [Int: Int] = [:]

        /// Findings come as their records (`MessageMatch.runOverRecords`): only those of a message that gets
        /// a card are decoded.
        init(_ report: AuditReport, index: ReportIndex, scratch: ScratchSpools) {
            var current:
                (position: Int, message: MessageMatch.Message, findings: [(position: Int, record: SpooledRecord)])?
            func close() {
                if let (position, message, findings) = current { offer(position, message, findings) }
                current = nil
            }
            MessageMatch.runOverRecords(report, sourceOrdinal: index.sourceOrdinal, scratch: scratch) { event in
                guard case .finding(let record, let position, let match?) = event else { return }
                let (message, messagePosition) = match
                if position < HTMLReport.maximumFindingRows { messageOfRow[position] = messagePosition }
                if current?.position != messagePosition {
                    close()
                    current = (messagePosition, message, [])
                }
                current!.findings.append((position, record))
            }
            close()
        }

        /// Keeps a message with findings if it is among the first `maximumMessageCards` seen so far; only a
        /// message that gets a card is decoded, and its findings.
        private mutating func offer(
            _ position: Int, _ message: MessageMatch.Message, _ records: [(position: Int, record: SpooledRecord)]
        ) {
            total += 1
            if positions.count == HTMLReport.maximumMessageCards {
                guard let last = positions.last, position < last else { return }
            }
            // A record that was read once reads again; one that would not leaves its message without a card.
            guard let decoded = message.decoded() else { return }
            var findings: [(position: Int, finding: Finding)] = []
            for (findingPosition, record) in records {
                guard let finding = try? record.decode(Finding.self) else { return }
                findings.append((findingPosition, finding))
            }
            let card = Card(message: decoded, findings: findings)
            if positions.count == HTMLReport.maximumMessageCards, let last = positions.last {
                positions.removeLast()
                shown[last] = nil
            }
            let insertion = positions.firstIndex { $0 > position } ?? positions.endIndex
            positions.insert(position, at: insertion)
            shown[position] = card
        }

        /// The anchor a finding row links to: its mark in the message, else the message card; `nil` when its
        /// message has no card.
        func anchor(ofRow position: Int, _ finding: Finding) -> String? {
            guard let messagePosition = messageOfRow[position], let card = shown[messagePosition] else { return nil }
            let pointer = finding.pointer
            guard let payload = card.message.payload, !pointer.isRoot, pointer.resolve(in: payload) != nil else {
                return "m-\(messagePosition)"
            }
            let first = card.findings.first { $0.finding.pointer == pointer }!.position
            return "f-\(first)"
        }
    }

    private func findingsTable(_ cards: Cards, to out: inout ReportOutput) {
        out += "<section id=\"findings\"><h2>Findings</h2>\n"
        guard !report.findings.isEmpty else {
            out += "<p>No findings.</p></section>\n"
            return
        }
        out += "<div id=\"filters\">"
        for severity in Severity.allCases.reversed() {
            out +=
                "<label><input type=\"checkbox\" value=\"\(severity.rawValue)\" checked> \(severity.rawValue)</label> "
        }
        out += "<label>text <input type=\"search\" id=\"filter-text\" placeholder=\"rule, input, value\"></label> "
        out +=
            "<span><span id=\"shown-count\">\(min(report.findings.count, Self.maximumFindingRows))</span> shown</span></div>\n"
        out += "<table id=\"findings-table\"><thead><tr>"
        for column in ["severity", "rule", "input", "where", "pointer", "message"] {
            out += "<th><button type=\"button\">\(column)</button></th>"
        }
        out += "</tr></thead><tbody>\n"
        for (position, finding) in report.findings.enumerated() {
            guard position < Self.maximumFindingRows else { break }
            let severityKey = Severity.byOrdinal.count - 1 - finding.severity.ordinal
            let place = finding.locator?.description ?? "(whole input)"
            let placeKey =
                finding.locator.map {
                    "\($0.kind) \(String(repeating: "0", count: max(0, 12 - String($0.number).count)))\($0.number)"
                } ?? ""
            var link = cards.anchor(ofRow: position, finding).map { "<a href=\"#\($0)\">\(h(place))</a>" } ?? h(place)
            if let network = finding.network {
                link += "<br><small>from <code>\(h(network.from))</code> at \(h(network.time))"
                link += (network.interface.map { " on \(h($0))" } ?? "") + "</small>"
            }
            out +=
                "<tr data-severity=\"\(finding.severity.rawValue)\"><td data-key=\"\(severityKey)\">\(badge(finding.severity))</td>"
            out += "<td><code>\(h(finding.rule))</code></td><td><code>\(h(finding.source))</code></td>"
            out +=
                "<td data-key=\"\(h(placeKey))\">\(link)</td><td><code>\(h(ReportIndex.pointerText(finding)))</code></td>"
            out += "<td>\(h(finding.message))</td></tr>\n"
        }
        out += "</tbody></table>\n"
        if report.findings.count > Self.maximumFindingRows {
            out +=
                "<p class=\"cut\">\(report.findings.count - Self.maximumFindingRows) more findings are not listed; the JSON or SARIF report holds them all.</p>\n"
        }
        out += "</section>\n"
    }

    private func messageCards(_ cards: Cards, to out: inout ReportOutput) {
        out += "<section id=\"messages\"><h2>Messages with findings</h2>\n"
        // Findings about whole inputs are few (a reader's verdict on its input); they are listed up to the
        // same cap as finding rows all the same.
        var wholeInput = 0
        for finding in report.findings where finding.locator == nil {
            wholeInput += 1
            if wholeInput == 1 {
                out += "<article class=\"message\"><h3>Findings about whole inputs</h3><ul class=\"findings\">\n"
            }
            if wholeInput <= Self.maximumFindingRows { out += findingItem(finding) }
        }
        if wholeInput > 0 {
            if wholeInput > Self.maximumFindingRows {
                out +=
                    "<li>\(wholeInput - Self.maximumFindingRows) more findings about whole inputs are not shown.</li>\n"
            }
            out += "</ul></article>\n"
        }
        for messagePosition in cards.positions {
            let card = cards.shown[messagePosition]!
            let message = card.message
            var facts = [message.kind.rawValue]
            if let level = message.level { facts.append("level \(level)") }
            if let generation = message.generation { facts.append(generation) }
            out +=
                "<article class=\"message\" id=\"m-\(messagePosition)\"><h3><code>\(h(message.source))</code> \(message.locator.description)"
            out += " <small>\(h(facts.joined(separator: " · ")))</small></h3>\n"
            if let correlator = message.correlator {
                out += "<p class=\"correlator\">correlator <code>\(h(correlator))</code></p>\n"
            }
            out += "<ul class=\"findings\">\n"
            for (_, finding) in card.findings { out += findingItem(finding) }
            out += "</ul>\n"
            out += payload(message, findings: card.findings)
            out += "</article>\n"
        }
        if cards.total > Self.maximumMessageCards {
            out +=
                "<p class=\"cut\">\(cards.total - Self.maximumMessageCards) more messages with findings are not shown.</p>\n"
        }
        if cards.total == 0 && wholeInput == 0 { out += "<p>None.</p>\n" }
        out += "</section>\n"
    }

    private func findingItem(_ finding: Finding) -> String {
        "<li>\(badge(finding.severity)) <code>\(h(finding.rule))</code> at <code>\(h(ReportIndex.pointerText(finding)))</code>: \(h(finding.message))</li>\n"
    }

    /// The message as pretty JSON, each finding's pointer wrapped in a `<mark>` coloured by its most severe
    /// finding and titled with its rules. Findings about the whole message, or at a pointer the message does
    /// not hold (a missing required field), mark nothing: their line above says where.
    private func payload(_ message: AuditedMessage, findings: [(position: Int, finding: Finding)]) -> String {
        guard let payload = message.payload else {
            return
                "<p class=\"nocontent\">\(message.parsed ? "The report does not hold this message's content." : "The message could not be decoded; there is no content to show.")</p>\n"
        }
        var marks: [JSONPointer: (severity: Severity, rules: [String], anchor: Int)] = [:]
        for (position, finding) in findings {
            guard !finding.pointer.isRoot, finding.pointer.resolve(in: payload) != nil else { continue }
            if var mark = marks[finding.pointer] {
                mark.severity = max(mark.severity, finding.severity)
                if !mark.rules.contains(finding.rule) { mark.rules.append(finding.rule) }
                marks[finding.pointer] = mark
            } else {
                marks[finding.pointer] = (finding.severity, [finding.rule], position)
            }
        }
        let printer = PrettyJSON(
            escape: Escape.html,
            markup: { pointer in
                marks[pointer].map { mark in
                    PrettyJSON.Markup(
                        open:
                            "<mark class=\"\(mark.severity.rawValue)\" id=\"f-\(mark.anchor)\" title=\"\(Escape.html(mark.rules.joined(separator: ", ")))\">",
                        close: "</mark>")
                }
            })
        var text = printer.render(payload)
        if text.utf8.count > Self.maximumPayloadBytes {
            text =
                Self.cutMarkup(text, to: Self.maximumPayloadBytes)
                + "\n… (cut: the message is longer than \(Self.maximumPayloadBytes / 1024) KiB)"
        }
        return "<pre class=\"json\">\(text)</pre>\n"
    }

    /// Cuts escaped, marked-up text at a line boundary near `limit` bytes and closes any `<mark>` left open.
    static func cutMarkup(_ text: String, to limit: Int) -> String {
        var kept = ""
        var bytes = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            bytes += line.utf8.count + 1
            guard bytes <= limit else { break }
            kept += line + "\n"
        }
        let open = kept.ranges(of: "<mark ").count - kept.ranges(of: "</mark>").count
        return kept + String(repeating: "</mark>", count: max(0, open))
    }
}

/// What the audited messages carried: for each field of each message kind, how many messages of each
/// generation held it at each level. Fields are named as the disclosure matrix names them: top-level keys
/// (`platform.system` is one key) and members of objects inside a top-level list (`components[].app_count`).
/// A message counts when the report holds its content: `check` and `listen` keep every message's content
/// when they write an HTML report.
struct DisclosureObservation {
    struct FieldKey: Hashable, Comparable {
        var field: String
        var message: String

        /// Start messages first, then end messages, then by field name (by code point).
        static func < (lhs: FieldKey, rhs: FieldKey) -> Bool {
            if lhs.message != rhs.message {
                return (rank(lhs.message), lhs.message) < (rank(rhs.message), rhs.message)
            }
            return lhs.field.unicodeScalars.lexicographicallyPrecedes(rhs.field.unicodeScalars)
        }

        private static func rank(_ message: String) -> Int { message == "start" ? 0 : message == "end" ? 1 : 2 }
    }

    fileprivate struct Occasion: Hashable {
        /// `nil`: a message of an old generation, which has no level.
        var level: Int?
        /// `nil`: the generation could not be told.
        var generation: String?
    }

    /// Counted only for the fields the report shows: those of the disclosure matrix and the top-level fields
    /// it lists as unknown; any other field of a message is never shown, and a sender who makes up new field
    /// names would make the counts grow with the input.
    private var counts: [FieldKey: [Occasion: Int]] = [:]
    /// The fields of the disclosure matrix.
    private let known: Set<FieldKey>
    /// Top-level fields the disclosure matrix does not know, the first `mostUnknownFields` met.
    private(set) var unknownTopLevelFields: Set<FieldKey> = []
    /// Whether more top-level fields the matrix does not know were seen than are listed.
    private(set) var leftUnknownFieldsOut = false
    static let mostUnknownFields = 1000
    private(set) var messagesWithContent = 0
    /// Messages that decoded to a start or an end, whether or not the report holds their content.
    private(set) var decodedMessages = 0
    private(set) var sawMessagesWithoutLevel = false

    /// Reads each message's record in place (`AuditedMessage.RecordView`): the fields come from a walk over
    /// the keys of its stored payload, and no payload is decoded. A list held in memory, or changed as it is
    /// read, is read message by message through the same record.
    /// `mostSignatures`: how many signatures are kept before their groups are counted field by field and
    /// forgotten (the default in use; tests make it small).
    init(
        _ messages: AuditList<AuditedMessage>, known: Set<FieldKey>, mostSignatures: Int = Groups.mostSignatures
    ) {
        self.known = known
        var groups = Groups()
        func add(_ message: AuditedMessage.RecordView) throws(SpoolError) {
            try groups.add(message)
            // Messages of ever new structures (a hostile sender) would make the groups grow with the input.
            if groups.fieldsOfSignature.count >= mostSignatures { absorb(&groups) }
        }
        let read = messages.forEachRecord { decoder throws(SpoolError) in
            try add(AuditedMessage.RecordView(reading: &decoder))
        }
        if !read {
            for message in messages {
                _ = try? SpoolDecoder.reading(message) { decoder throws(SpoolError) in
                    try add(AuditedMessage.RecordView(reading: &decoder))
                }
            }
        }
        absorb(&groups)
        decodedMessages = groups.decodedMessages
        messagesWithContent = groups.messagesWithContent
        sawMessagesWithoutLevel = groups.sawMessagesWithoutLevel
    }

    /// Counts the groups' messages field by field, and empties the groups (keeping their message counts).
    /// Groups are taken in the order their messages came (then by kind and occasion), so which unknown
    /// fields are listed when there are too many does not depend on the order of a hash table.
    private mutating func absorb(_ groups: inout Groups) {
        let ordered = groups.counts.sorted { a, b in
            let (x, y) = (a.key, b.key)
            return (x.signature, x.kind.rawValue, x.occasion.level ?? -1, x.occasion.generation ?? "")
                < (y.signature, y.kind.rawValue, y.occasion.level ?? -1, y.occasion.generation ?? "")
        }
        for (group, count) in ordered {
            let (fields, topLevel) = groups.fieldsOfSignature[group.signature]
            for key in topLevel.sorted() {
                let field = FieldKey(field: key, message: group.kind.rawValue)
                guard !known.contains(field), !unknownTopLevelFields.contains(field) else { continue }
                if unknownTopLevelFields.count < Self.mostUnknownFields {
                    unknownTopLevelFields.insert(field)
                } else {
                    leftUnknownFieldsOut = true
                }
            }
            for name in fields {
                let field = FieldKey(field: name, message: group.kind.rawValue)
                guard known.contains(field) || unknownTopLevelFields.contains(field) else { continue }
                counts[field, default: [:]][group.occasion, default: 0] += count
            }
        }
        groups.removeGroups()
    }

    /// Messages counted by what decides the cells they count in: the fields they hold, their kind and their
    /// occasion. Messages of one structure share their fields' signature (for each field in the order written:
    /// a byte saying whether it is a top-level key or a member of an object inside a top-level list, then the
    /// key's and the member's lengths and bytes): a field is named and counted once per signature, not once per
    /// message (that cost a quarter of the whole report).
    struct Groups {
        fileprivate struct Group: Hashable {
            var signature: Int
            var kind: MessageKind
            var occasion: Occasion
        }

        /// A signature as a table key, hashed as one run of bytes.
        struct Signature: Hashable {
            var bytes: [UInt8]
            func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
        }

        /// Signatures kept before their groups are counted field by field and forgotten.
        static let mostSignatures = 4096

        fileprivate var counts: [Group: Int] = [:]
        /// What each signature names (`key` or `key[].member`, each once) and its top-level keys, by the
        /// signature's number: made from the message that showed the signature first.
        private(set) var fieldsOfSignature: [(fields: Set<String>, topLevel: Set<String>)] = []
        private var signatureIndex: [Signature: Int] = [:]
        private var scratch: [UInt8] = []
        var messagesWithContent = 0
        var decodedMessages = 0
        var sawMessagesWithoutLevel = false

        mutating func add(_ message: AuditedMessage.RecordView) throws(SpoolError) {
            if message.parsed && message.kind != .unknown { decodedMessages += 1 }
            guard message.kind != .unknown else { return }
            scratch.removeAll(keepingCapacity: true)
            let hasFields = try message.forEachPayloadField { key, member in
                scratch.append(member == nil ? 0 : 1)
                Self.appendCounted(key, to: &scratch)
                if let member { Self.appendCounted(member, to: &scratch) }
            }
            guard hasFields else { return }
            messagesWithContent += 1
            if message.level == nil { sawMessagesWithoutLevel = true }
            let signature: Int
            if let known = signatureIndex[Signature(bytes: scratch)] {
                signature = known
            } else {
                signature = fieldsOfSignature.count
                fieldsOfSignature.append(try Self.fields(of: message))
                signatureIndex[Signature(bytes: scratch)] = signature
            }
            let occasion = Occasion(
                level: message.level, generation: message.generation.map { String(decoding: $0, as: UTF8.self) })
            counts[Group(signature: signature, kind: message.kind, occasion: occasion), default: 0] += 1
        }

        mutating func removeGroups() {
            counts.removeAll(keepingCapacity: true)
            fieldsOfSignature.removeAll(keepingCapacity: true)
            signatureIndex.removeAll(keepingCapacity: true)
        }

        private static func appendCounted(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
            out.append(varint: UInt64(bytes.count))
            out.append(contentsOf: bytes)
        }

        /// The fields a message names (`key` or `key[].member`), each once, and its top-level keys.
        private static func fields(of message: AuditedMessage.RecordView) throws(SpoolError) -> (
            fields: Set<String>, topLevel: Set<String>
        ) {
            var fields: Set<String> = []
            var topLevel: Set<String> = []
            _ = try message.forEachPayloadField { key, member in
                let key = String(decoding: key, as: UTF8.self)
                if let member {
                    fields.insert("\(key)[].\(String(decoding: member, as: UTF8.self))")
                } else {
                    fields.insert(key)
                    topLevel.insert(key)
                }
            }
            return (fields, topLevel)
        }
    }

    /// Messages that held `field` at `level`, among the given generations (every generation when `nil`);
    /// a message whose generation is unknown counts for every generation, one that fits several (`G4/G5`)
    /// for each of them.
    func count(_ field: String, _ message: String, _ level: Int?, generations: [String]? = nil) -> Int {
        guard let byOccasion = counts[FieldKey(field: field, message: message)] else { return 0 }
        return byOccasion.reduce(0) { total, entry in
            let (occasion, count) = entry
            guard occasion.level == level else { return total }
            guard let generations, let generation = occasion.generation else { return total + count }
            // A message that fits several generations is named `G4/G5`: it counts for each of them.
            let candidates = generation.split(separator: "/").map(String.init)
            return candidates.contains(where: generations.contains) ? total + count : total
        }
    }
}
