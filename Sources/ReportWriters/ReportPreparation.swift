import AuditModel
import Dispatch
import Foundation
import Storage

/// What `--ignore` and `--baseline` ask of a run's findings.
public struct Suppressions: Sendable {
    /// Rule ids whose findings are dropped from every report (`--ignore`).
    public var ignoredRules: Set<String>
    /// The earlier report whose findings are accepted (`--baseline`).
    public var baseline: Baseline?

    public init(ignoredRules: Set<String> = [], baseline: Baseline? = nil) {
        self.ignoredRules = ignoredRules
        self.baseline = baseline
    }

    /// Neither `--ignore` nor `--baseline`: preparation then changes no count, only the findings.
    public var isEmpty: Bool { ignoredRules.isEmpty && baseline == nil }
}

/// Turns a run's report into the one every writer renders: each finding gets its fingerprint and, when
/// the message it points at is in a binary input, that frame's or record's bytes as its region; findings of
/// ignored rules are dropped (and no longer counted by their message); findings whose fingerprint is in the
/// baseline are marked baselined, so they are still shown but do not fail the run.
///
/// Writers call it on a report that has not been through it, so every format carries fingerprints; the CLI
/// calls it once, with its suppressions, before writing several reports and deciding the exit status.
///
/// What a finding takes from its message (kind, region) the checker usually wrote into it already
/// (`Finding.subject`). When it could not for some finding, or when `--ignore` must lower its messages'
/// counts, findings are paired with their messages as `MessageMatch` pairs them (the first message of the
/// same source and locator), by sorting both by place (`ExternalSort`, bounded memory) and merging; only
/// what a finding takes from its message is sorted, not the messages themselves. A second sort puts those
/// facts back in report order. Memory stays flat either way.
///
/// The masks come from the sensitive values the findings' list counted as it was built
/// (`AuditListTally.sensitiveValues`). What preparation adds to each finding is spooled beside the findings
/// (`AuditList.amended`), not written into a second copy of them; a pass over the findings makes strings of
/// only what a `Finding.Place` holds: one pass, or two when pairing.
public enum ReportPreparation {
    /// The message a finding at `locator` is about, as its `subject` says: none for a finding about a whole
    /// input (no locator), whatever it says. What a finding's fingerprint names, here and where the JSON
    /// report works fingerprints out itself.
    static func message(ofFindingAt locator: Locator?, saying subject: Finding.Subject?) -> Finding.Subject? {
        locator == nil ? nil : subject
    }

    public static func prepare(
        _ report: AuditReport, suppressions: Suppressions = .init(), spool: SpoolConfiguration = .init()
    ) -> AuditReport {
        prepare(report, suppressions: suppressions, spool: spool, feeding: nil)
    }

    /// Prepares `report`, handing each finding's fingerprint to `feed` as soon as it is known (a writer on
    /// another thread follows it), and closing the feed when done, whatever happens.
    static func prepare(
        _ report: AuditReport, suppressions: Suppressions, spool: SpoolConfiguration, feeding feed: FingerprintFeed?
    ) -> AuditReport {
        defer { feed?.close() }
        let scratch = ScratchSpools(configuration: spool)
        let ignored = suppressions.ignoredRules
        // The checker says which message each finding is about (`Finding.subject`); only findings it could
        // not say it of (an input problem beside a message), and dropping ignored findings from their
        // message's count, need the pairing by place.
        var pairing =
            report.findings.tally.unpaired > 0 || !ignored.isEmpty
            ? pairByPlace(report, ignored: ignored, scratch: scratch) : nil
        let anyIgnored = pairing?.anyIgnored ?? false
        // Each finding's fingerprint, region and baseline mark, spooled beside the findings rather than in a
        // second copy of them; ignored findings are marked dropped.
        // Masks come from every finding's sensitive values, ignored ones included (the list counted them).
        var fingerprinter = Fingerprinter(redactor: Redactor(tally: report.findings.tally))
        let amendments = SpoolStore(configuration: spool)
        var kept = 0
        var tally = AuditListTally()
        // Without suppressions every finding is kept as it is, so the list's own tally is the prepared one
        // but for the pairing it no longer needs: not counted again (debug builds count and compare). Not
        // for a list read through a transform: a redacted list's tally names the values before their masks.
        let keepsTheTally = suppressions.isEmpty && report.findings.readsAsListed
        #if DEBUG
            let countsTheTally = true
        #else
            let countsTheTally = !keepsTheTally
        #endif
        // One finding: its message's facts, its fingerprint (`fingerprint` makes it, given the message's
        // kind) and its amendment. `finding` gives what only ignored rules and the tally's count need.
        func amend(
            locator: Locator?, subject: Finding.Subject?, fingerprint: (MessageKind?) -> Fingerprint,
            finding: () -> (rule: String, severity: Severity, sensitiveValues: [String])
        ) -> Bool {
            let message: MessageContext
            if pairing != nil {
                guard let (_, context) = pairing!.contexts.next() else { return false }
                message = context
            } else {
                let subject = Self.message(ofFindingAt: locator, saying: subject)
                message = MessageContext(kind: subject?.kind, region: subject?.region)
            }
            let fingerprint = fingerprint(message.kind)
            var amendment = Amendment()
            let facts = anyIgnored || countsTheTally ? finding() : nil
            if !anyIgnored || !ignored.contains(facts!.rule) {
                let baselined = suppressions.baseline.map { $0.contains(fingerprint.text) } ?? false
                amendment = Amendment(fingerprint: fingerprint, region: message.region, baselined: baselined)
                kept += 1
                if countsTheTally, let facts {
                    tally.count(facts.severity, baselined: baselined)
                    if !facts.sensitiveValues.isEmpty {
                        tally.noteSensitive(facts.sensitiveValues, rule: facts.rule)
                    }
                }
            }
            amendments.append(record: amendment)
            feed?.publish(amendment.fingerprint)
            return true
        }
        // From the spooled records read in place when the list is spooled as stored (no string of a finding
        // is made but for an ignored rule or the tally), else from each finding's place.
        var more = true
        let fromRecords = report.findings.forEachRecord { decoder throws(SpoolError) in
            guard more else { return decoder.skipRest() }
            let record = try Finding.RecordView(reading: &decoder)
            more = amend(
                locator: record.locator, subject: record.subject,
                fingerprint: { fingerprinter.next(record, messageKind: $0) },
                finding: {
                    (String(decoding: record.rule, as: UTF8.self), record.severity, record.sensitiveValues.strings())
                })
        }
        if !fromRecords {
            for finding in report.findings.parts(Finding.Place.self, from: Finding.Place.init) {
                guard
                    amend(
                        locator: finding.locator, subject: finding.subject,
                        fingerprint: { fingerprinter.next(finding, messageKind: $0) },
                        finding: { (finding.rule, finding.severity, finding.sensitiveValues) })
                else { break }
            }
        }
        if keepsTheTally {
            var listed = report.findings.tally
            listed.unpaired = 0
            assert(kept < report.findings.count || listed == tally, "a kept list's tally differs from its own")
            tally = listed
        }
        var copy = report
        copy.findings = report.findings.amended(by: amendments, count: kept, tally: tally, keeps: { $0.isKept }) {
            (finding: inout Finding, amendment: Amendment) in
            finding.fingerprint = amendment.fingerprint?.text
            finding.region = finding.region ?? amendment.region
            finding.baselined = amendment.baselined
        }
        if let pairing, pairing.anyIgnoredMessageFinding {
            var ignoredPerMessage = pairing.ignoredPerMessage
            var marks = ignoredPerMessage.sorted().makeIterator()
            var pending = marks.next()
            var counted = AuditListBuilder<AuditedMessage>(configuration: spool)
            for (position, message) in report.messages.enumerated() {
                var message = message
                while let (key, _) = pending, key.position == position {
                    message.findings -= 1
                    pending = marks.next()
                }
                counted.append(message)
            }
            copy.messages = counted.finish()
        }
        // A spool that could not be read back leaves the lists short: the writers then read the original
        // report, whose stores remember the failure, and report it.
        if report.readFailure != nil || scratch.readFailure != nil { return report }
        copy.fingerprinted = true
        copy.baselineApplied = suppressions.baseline != nil
        return copy
    }

    /// What pairing findings with messages by place found: each finding's message facts in report order,
    /// and the messages of ignored findings.
    private struct Pairing {
        var contexts: ReportSort<PositionKey, MessageContext>.Sorted.Iterator
        /// One mark per ignored finding, keyed by the position of its message.
        var ignoredPerMessage: ReportSort<PositionKey, Mark>
        var anyIgnored: Bool
        var anyIgnoredMessageFinding: Bool
    }

    /// Pairs each finding with the first message at its place, as `MessageMatch` does: both sorted by place
    /// and merged, then each finding's message facts sorted back into report order.
    private static func pairByPlace(_ report: AuditReport, ignored: Set<String>, scratch: ScratchSpools) -> Pairing {
        var sourceOrdinal: [String: Int] = [:]
        func ordinal(_ source: String) -> Int {
            if let known = sourceOrdinal[source] { return known }
            sourceOrdinal[source] = sourceOrdinal.count
            return sourceOrdinal.count - 1
        }
        var messageSort = ReportSort<PlaceKey, MessageContext>(scratch: scratch)
        for (position, message) in report.messages.parts(AuditedMessage.Place.self, from: AuditedMessage.Place.init)
            .enumerated()
        {
            messageSort.add(
                MessageContext(kind: message.kind, region: message.region),
                key: PlaceKey(source: ordinal(message.source), locator: message.locator, sequence: position))
        }
        var findingSort = ReportSort<PlaceKey, Mark>(scratch: scratch)
        var anyIgnored = false
        for (position, finding) in report.findings.parts(Finding.Place.self, from: Finding.Place.init).enumerated() {
            let isIgnored = ignored.contains(finding.rule)
            anyIgnored = anyIgnored || isIgnored
            findingSort.add(
                Mark(ignored: isIgnored),
                key: PlaceKey(source: ordinal(finding.source), locator: finding.locator, sequence: position))
        }
        // Each finding's message facts, keyed back to report order; each ignored finding's message.
        var contexts = ReportSort<PositionKey, MessageContext>(scratch: scratch)
        var ignoredPerMessage = ReportSort<PositionKey, Mark>(scratch: scratch)
        var anyIgnoredMessageFinding = false
        var messages = messageSort.sorted().makeIterator()
        var nextMessage = messages.next()
        var group: (key: PlaceKey, context: MessageContext)?
        for (key, mark) in findingSort.sorted() {
            while let (messageKey, context) = nextMessage, messageKey.placeOrder(before: key) {
                if group.map({ !$0.key.samePlace(messageKey) }) ?? true { group = (messageKey, context) }
                nextMessage = messages.next()
            }
            let match = group.flatMap { $0.key.samePlace(key) ? $0 : nil }
            contexts.add(
                match?.context ?? MessageContext(kind: nil, region: nil),
                key: PositionKey(position: key.sequence, sequence: key.sequence))
            if mark.ignored, let match {
                anyIgnoredMessageFinding = true
                ignoredPerMessage.add(
                    Mark(ignored: true), key: PositionKey(position: match.key.sequence, sequence: key.sequence))
            }
        }
        return Pairing(
            contexts: contexts.sorted().makeIterator(), ignoredPerMessage: ignoredPerMessage,
            anyIgnored: anyIgnored, anyIgnoredMessageFinding: anyIgnoredMessageFinding)
    }

    /// What a finding takes from its message.
    struct MessageContext: Spoolable {
        var kind: MessageKind?
        var region: ByteRegion?

        init(kind: MessageKind?, region: ByteRegion?) {
            self.kind = kind
            self.region = region
        }

        func encode(to encoder: inout SpoolEncoder) {
            encoder.write(kind.map(\.ordinal))
            encoder.write(region?.offset)
            encoder.write(region?.length)
        }

        init(from decoder: inout SpoolDecoder) throws(SpoolError) {
            if let kindIndex = try decoder.readOptionalInt() {
                guard MessageKind.byOrdinal.indices.contains(kindIndex) else {
                    throw SpoolError("unknown message kind")
                }
                kind = MessageKind.byOrdinal[kindIndex]
            }
            let offset = try decoder.readOptionalInt(), length = try decoder.readOptionalInt()
            if let offset, let length { region = ByteRegion(offset: offset, length: length) }
        }
    }

    /// What preparation adds to a finding: its fingerprint, its message's region (a finding without its own
    /// takes it) and whether the baseline has it; no fingerprint when the finding is dropped (`--ignore`).
    struct Amendment: Spoolable {
        var fingerprint: Fingerprint?
        var region: ByteRegion?
        var baselined = false

        var isKept: Bool { fingerprint != nil }

        init(fingerprint: Fingerprint? = nil, region: ByteRegion? = nil, baselined: Bool = false) {
            self.fingerprint = fingerprint
            self.region = region
            self.baselined = baselined
        }

        func encode(to encoder: inout SpoolEncoder) {
            encoder.write(fingerprint != nil)
            if let fingerprint {
                // The hash's words in fixed width: as varints, ten bytes each, appended one at a time.
                encoder.writeFixed(Int(bitPattern: UInt(fingerprint.prefix.high)))
                encoder.writeFixed(Int(bitPattern: UInt(fingerprint.prefix.low)))
                encoder.write(fingerprint.occurrence)
            }
            encoder.write(region?.offset)
            encoder.write(region?.length)
            encoder.write(baselined)
        }

        init(from decoder: inout SpoolDecoder) throws(SpoolError) {
            if try decoder.readBool() {
                let high = UInt64(UInt(bitPattern: try decoder.readFixedInt()))
                let low = UInt64(UInt(bitPattern: try decoder.readFixedInt()))
                let prefix = Fingerprinter.HashPrefix(high: high, low: low)
                fingerprint = Fingerprint(prefix: prefix, occurrence: try decoder.readInt())
            }
            let offset = try decoder.readOptionalInt(), length = try decoder.readOptionalInt()
            if let offset, let length { region = ByteRegion(offset: offset, length: length) }
            baselined = try decoder.readBool()
        }
    }

    /// A finding, as far as the pairing needs it: whether its rule is ignored.
    struct Mark: Spoolable {
        var ignored: Bool
        init(ignored: Bool) { self.ignored = ignored }
        func encode(to encoder: inout SpoolEncoder) { encoder.write(ignored) }
        init(from decoder: inout SpoolDecoder) throws(SpoolError) { ignored = try decoder.readBool() }
    }
}

extension Suppressions {
    /// Why `rule` cannot be ignored, with the nearest rule id of `catalogue` as a suggestion; `nil` when the
    /// catalogue has it.
    public static func unknownRuleMessage(_ rule: String, catalogue: [RuleDescriptor]) -> String? {
        let ids = catalogue.map(\.id)
        guard !ids.contains(rule) else { return nil }
        var message = "--ignore: no rule is called '\(rule)'"
        if let nearest = closest(to: rule, in: ids) { message += "; did you mean '\(nearest)'?" }
        return message + " (the rules: usage-audit rules list)"
    }

    /// The id at the smallest edit distance from `text`, when it is close enough to be a likely typo (at
    /// most a third of its length), or the one id that `text` is the last part of (`personal-data`).
    static func closest(to text: String, in ids: [String]) -> String? {
        let suffixed = ids.filter { $0.hasSuffix("." + text) }
        if suffixed.count == 1 { return suffixed[0] }
        let scored = ids.map { ($0, editDistance(Array(text.unicodeScalars), Array($0.unicodeScalars))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, best.0.unicodeScalars.count / 3) else {
            return nil
        }
        return best.0
    }

    /// Levenshtein distance, one row at a time.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension ReportPreparation {
    /// A report being prepared (without suppressions) on a thread of its own, for a writer that has other
    /// work to do first: the JSON report writes the messages meanwhile. Preparation reads the findings (and,
    /// when it pairs them, the messages) through their own readers, as spools allow.
    final class InFlight: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        /// Written once by the preparing thread before it signals; read only after `done`.
        private var result: AuditReport?

        /// Each finding's fingerprint, in report order, as soon as preparation knows it: the writer writes
        /// the findings while preparation is still under way, rather than waiting for its end.
        let fingerprints = FingerprintFeed()

        init(_ report: AuditReport, spool: SpoolConfiguration) {
            DispatchQueue.global().async { [self] in
                result = ReportPreparation.prepare(report, suppressions: .init(), spool: spool, feeding: fingerprints)
                done.signal()
            }
        }

        /// Set by the writer's thread once it waited.
        private var waited = false

        /// The prepared report, once preparation is over (the first read waits for it). Read on the one
        /// thread that made this, once it takes no more from `fingerprints`: reading it abandons the feed,
        /// so that preparation never waits for room in it.
        var prepared: AuditReport {
            if !waited {
                fingerprints.abandon()
                done.wait()
                waited = true
            }
            return result!
        }
    }
}

/// Fingerprints handed from the preparing thread to a writer, in report order, a chunk at a time.
///
/// At most `capacity` wait to be written, so memory stays flat: a preparation that runs that far ahead of
/// the writer waits for it. The writer waits when it catches up. `close()` ends the feed (the preparing
/// thread calls it whatever happens); a writer then gets `nil` for every finding left, which only a
/// preparation that failed to read its spools can leave (the report is then not written: see
/// `ReportWriter.write`).
///
/// `@unchecked Sendable`: `state` is read and written only under `lock` (an `NSLock`, whose ordering the
/// thread sanitizer sees; it cannot see `Synchronization.Mutex`'s on Linux), `filling` only by the preparing
/// thread.
final class FingerprintFeed: @unchecked Sendable {
    static let chunkSize = 4096
    static let capacity = 16 * chunkSize

    private struct State {
        var ready: [[Fingerprint?]] = []
        var waiting = 0
        var closed = false
        var abandoned = false
    }

    private let lock = NSLock()
    private var state = State()
    /// Signalled once for each chunk made ready and once on closing.
    private let published = DispatchSemaphore(value: 0)
    /// Signalled once for each chunk the writer takes.
    private let taken = DispatchSemaphore(value: 0)
    /// The chunk being filled, touched only by the preparing thread.
    private var filling: [Fingerprint?] = []

    private func withState<Result>(_ body: (inout State) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    /// Adds the next finding's fingerprint (preparing thread).
    func publish(_ fingerprint: Fingerprint?) {
        filling.append(fingerprint)
        if filling.count == Self.chunkSize { ready(takeFilling()) }
    }

    /// Publishes what is left and ends the feed (preparing thread).
    func close() {
        if !filling.isEmpty { ready(takeFilling()) }
        withState { $0.closed = true }
        published.signal()
    }

    private func takeFilling() -> [Fingerprint?] {
        var chunk: [Fingerprint?] = []
        swap(&chunk, &filling)
        return chunk
    }

    private func ready(_ chunk: [Fingerprint?]) {
        while true {
            let room = withState { state in
                if state.abandoned { return true }
                guard state.waiting + chunk.count <= Self.capacity || state.ready.isEmpty else { return false }
                state.ready.append(chunk)
                state.waiting += chunk.count
                return true
            }
            if room { break }
            taken.wait()
        }
        published.signal()
    }

    func abandon() {
        withState { state in
            state.abandoned = true
            state.ready = []
            state.waiting = 0
        }
        taken.signal()
    }

    /// The fingerprints of the next findings, in order, waiting for preparation to make them (writer
    /// thread); `nil` once the feed is closed and every chunk taken.
    func nextChunk() -> [Fingerprint?]? {
        while true {
            enum Next { case chunk([Fingerprint?]), over, wait }
            let next: Next = withState { state in
                if !state.ready.isEmpty {
                    let chunk = state.ready.removeFirst()
                    state.waiting -= chunk.count
                    return .chunk(chunk)
                }
                return state.closed ? .over : .wait
            }
            switch next {
            case .chunk(let chunk):
                taken.signal()
                return chunk
            case .over: return nil
            case .wait: published.wait()
            }
        }
    }
}
