import AuditModel
import JSONCore
import Storage

/// Pairs each finding with the message it points at: the first message in report order with the same
/// source and locator. Findings usually follow their message, but not always (a session left open is
/// reported when it is forgotten or when the run ends; a lost IPv4 fragment's message is numbered by its
/// first frame), so both lists are sorted by source and locator (`ExternalSort`, bounded memory) and merged:
/// no index over all messages is ever held.
enum MessageMatch {
    /// `FindingPart`: what a writer keeps of each finding through the sort (the whole finding, or only what
    /// it reads).
    enum Event<FindingPart> {
        /// A message; `first` when it is the first of its source and locator (the one findings point at).
        case message(Message, position: Int, first: Bool)
        /// A finding and its message, if the report lists one. About a whole input: never a message.
        case finding(FindingPart, position: Int, message: (Message, position: Int)?)
    }

    /// A message as the match hands it over: its place, and its record, which each writer reads as far as it
    /// needs (`read`, `decoded`). Decoding every message whole, payload and all, was half of the HTML report,
    /// which shows a few hundred of them.
    struct Message {
        let source: String
        let locator: Locator
        let record: SpooledRecord

        /// Places the record as its front says.
        init(_ record: SpooledRecord) throws(SpoolError) {
            let place = try record.decode(AuditedMessage.Place.self)
            source = place.source
            locator = place.locator
            self.record = record
        }

        /// Hands `body` the record read in place; `nil` when it cannot be read.
        func read<Result>(_ body: (AuditedMessage.RecordView) throws(SpoolError) -> Result) -> Result? {
            try? record.read { decoder throws(SpoolError) in
                let view = try AuditedMessage.RecordView(reading: &decoder)
                return try body(view)
            }
        }

        /// The whole message; `nil` when its record cannot be read.
        func decoded() -> AuditedMessage? { try? record.decode(AuditedMessage.self) }
    }

    /// Calls `body` for every message and finding, grouped by source (in `sourceOrdinal` order) and locator
    /// (findings about a whole input first), each message of a group before the group's findings, in report
    /// order within a group. Each finding is decoded whole (`runOverRecords` hands over its record).
    static func run(
        _ report: AuditReport, sourceOrdinal: [String: Int], scratch: ScratchSpools, _ body: (Event<Finding>) -> Void
    ) {
        runOverRecords(report, sourceOrdinal: sourceOrdinal, scratch: scratch) { event in
            switch event {
            case .message(let message, let position, let first):
                body(.message(message, position: position, first: first))
            case .finding(let record, let position, let message):
                // Its front was just read from these bytes: the rest reads too.
                guard let finding = try? record.decode(Finding.self) else { return }
                body(.finding(finding, position: position, message: message))
            }
        }
    }

    /// `run`, each finding handed over as its spooled record, for a writer to decode where it needs the
    /// finding: a spooled list's records go through the sort as they are stored, placed by their fronts,
    /// instead of each finding being decoded, encoded for the sort and decoded again (a writer that needs
    /// only some findings whole, as the HTML report's cards, decodes only those; SARIF reads only their
    /// pointers). `inReportOrder` hears, before any event, whether the messages come in report order too
    /// (their places ascend as listed, as nearly always): then a writer that orders by message position
    /// needs no sort of its own.
    /// `wholeFindings: false` promises that the writer reads no more of a record than the finding's place and
    /// pointer, which preparation leaves as stored.
    static func runOverRecords(
        _ report: AuditReport, sourceOrdinal: [String: Int], scratch: ScratchSpools, wholeFindings: Bool = true,
        inReportOrder: (Bool) -> Void = { _ in }, _ body: (Event<SpooledRecord>) -> Void
    ) {
        let (messages, listedInOrder) = placeOrdered(report.messages, sourceOrdinal: sourceOrdinal, scratch: scratch)
        inReportOrder(listedInOrder)
        var ordinals = OrdinalLookup(sourceOrdinal)
        var findingSort = ReportSort<PlaceKey, SpooledRecord>(scratch: scratch)
        // A list gives its records as stored (a transformed one, redacted, makes them from the findings it
        // reads). An amended one (a prepared report) stores them without what preparation added (fingerprint,
        // region, baseline mark): a writer that reads that gets each finding as read, encoded again.
        // Each sequence iterated where its type is known (an `AnySequence` of either went through the
        // generic iterators, unspecialized, for every finding).
        func sortByPlace(_ records: some Sequence<SpooledRecord>) {
            for (position, record) in records.enumerated() {
                // The record was read whole a moment ago: its front reads back unless the spool is broken, and
                // a broken spool ends the list, as a failed read does.
                let place = try? record.read { decoder throws(SpoolError) in
                    let front = try Finding.RecordView.Front(reading: &decoder)
                    return (source: InternedStrings.string(front.source), locator: front.locator)
                }
                guard let place else { break }
                findingSort.add(
                    record, key: PlaceKey(source: ordinals[place.source], locator: place.locator, sequence: position))
            }
        }
        if wholeFindings && !report.findings.readsAsListed {
            sortByPlace(report.findings.lazy.map(SpooledRecord.init(encoding:)))
        } else {
            sortByPlace(report.findings.parts(SpooledRecord.self, from: SpooledRecord.init(encoding:)))
        }
        merge(messages, findingSort.sorted(), body)
    }

    /// Merges the messages and the findings, both by place, into events: each message of a place before its
    /// findings, each finding with the first message of its place, if any.
    private static func merge(
        _ messages: AnyIterator<(key: PlaceKey, element: Message)>,
        _ sortedFindings: ReportSort<PlaceKey, SpooledRecord>.Sorted, _ body: (Event<SpooledRecord>) -> Void
    ) {
        var findings = sortedFindings.makeIterator()
        var nextMessage = messages.next()
        var nextFinding = findings.next()
        var group: (key: PlaceKey, message: Message, position: Int)?
        while nextMessage != nil || nextFinding != nil {
            if let (key, message) = nextMessage, nextFinding.map({ !sameGroup($0.key, key) && $0.key < key }) != true {
                let first = group.map { !sameGroup($0.key, key) } ?? true
                if first { group = (key, message, key.sequence) }
                body(.message(message, position: key.sequence, first: first))
                nextMessage = messages.next()
            } else if let (key, finding) = nextFinding {
                let match = group.flatMap { sameGroup($0.key, key) ? ($0.message, $0.position) : nil }
                body(.finding(finding, position: key.sequence, message: match))
                nextFinding = findings.next()
            }
        }
    }

    /// The messages by place, as records. They are nearly always listed in that order already (an input read
    /// front to back numbers its lines, packets or records upwards), which one pass over the fronts of their
    /// records shows; they are then read as listed, sparing a sort that spooled and read each of them twice.
    /// Findings are not checked: those made when the run ends (sessions left open) are listed last, so the
    /// pass would read nearly all of them before it found them out of order. A record that cannot be read
    /// ends the list, as a failed read does.
    private static func placeOrdered(
        _ messages: AuditList<AuditedMessage>, sourceOrdinal: [String: Int], scratch: ScratchSpools
    ) -> (AnyIterator<(key: PlaceKey, element: Message)>, listedInOrder: Bool) {
        var ordinals = OrdinalLookup(sourceOrdinal)
        var previous: PlaceKey?
        var inOrder = true
        for (position, place) in messages.parts(AuditedMessage.Place.self, from: AuditedMessage.Place.init).enumerated()
        {
            let key = PlaceKey(source: ordinals[place.source], locator: place.locator, sequence: position)
            if let previous, !(previous < key) {
                inOrder = false
                break
            }
            previous = key
        }
        let records = messages.parts(SpooledRecord.self, from: SpooledRecord.init(encoding:))
        if inOrder {
            var listed = records.enumerated().makeIterator()
            let iterator = AnyIterator<(key: PlaceKey, element: Message)> {
                guard let (position, record) = listed.next(), let message = try? Message(record) else { return nil }
                return (
                    PlaceKey(source: ordinals[message.source], locator: message.locator, sequence: position), message
                )
            }
            return (iterator, true)
        }
        var sort = ReportSort<PlaceKey, SpooledRecord>(scratch: scratch)
        for (position, record) in records.enumerated() {
            guard let message = try? Message(record) else { break }
            sort.add(
                record, key: PlaceKey(source: ordinals[message.source], locator: message.locator, sequence: position))
        }
        var sorted = sort.sorted().makeIterator()
        let iterator = AnyIterator<(key: PlaceKey, element: Message)> {
            guard let (key, record) = sorted.next(), let message = try? Message(record) else { return nil }
            return (key, message)
        }
        return (iterator, false)
    }

    /// `sourceOrdinal[source]` (`Int.max` for a source it lacks), remembering the last source asked about:
    /// nearly every message names the source the one before it named.
    private struct OrdinalLookup {
        let ordinals: [String: Int]
        var last: (source: String, ordinal: Int)?

        init(_ ordinals: [String: Int]) { self.ordinals = ordinals }

        subscript(source: String) -> Int {
            mutating get {
                if let last, last.source == source { return last.ordinal }
                let ordinal = ordinals[source] ?? Int.max
                last = (source, ordinal)
                return ordinal
            }
        }
    }

    /// Source ordinal, locator kind, locator number, then report position.
    static func key(_ source: String, _ locator: Locator?, _ position: Int, _ sourceOrdinal: [String: Int])
        -> PlaceKey
    {
        PlaceKey(source: sourceOrdinal[source] ?? Int.max, locator: locator, sequence: position)
    }

    private static func sameGroup(_ lhs: PlaceKey, _ rhs: PlaceKey) -> Bool { lhs.samePlace(rhs) }
}
