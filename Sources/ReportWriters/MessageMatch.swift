import AuditModel
import Storage

/// Pairs each finding with the message it points at: the first message in report order with the same
/// source and locator. Findings usually follow their message, but not always (a session left open is
/// reported when it is forgotten or when the run ends; a lost IPv4 fragment's message is numbered by its
/// first frame), so both lists are sorted by source and locator (`ExternalSort`, bounded memory) and merged:
/// no index over all messages is ever held.
enum MessageMatch {
    enum Event {
        /// A message; `first` when it is the first of its source and locator (the one findings point at).
        case message(AuditedMessage, position: Int, first: Bool)
        /// A finding and its message, if the report lists one. About a whole input: never a message.
        case finding(Finding, position: Int, message: (AuditedMessage, position: Int)?)
    }

    /// Calls `body` for every message and finding, grouped by source (in `sourceOrdinal` order) and locator
    /// (findings about a whole input first), each message of a group before the group's findings, in report
    /// order within a group.
    static func run(
        _ report: AuditReport, sourceOrdinal: [String: Int], scratch: ScratchSpools, _ body: (Event) -> Void
    ) {
        let messages = placeOrdered(report.messages, sourceOrdinal: sourceOrdinal, scratch: scratch)
        var findingSort = ReportSort<PlaceKey, Finding>(scratch: scratch)
        for (position, finding) in report.findings.enumerated() {
            findingSort.add(finding, key: key(finding.source, finding.locator, position, sourceOrdinal))
        }
        var findings = findingSort.sorted().makeIterator()
        var nextMessage = messages.next()
        var nextFinding = findings.next()
        var group: (key: PlaceKey, message: AuditedMessage, position: Int)?
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

    /// The messages by place. They are nearly always listed in that order already (an input read front to
    /// back numbers its lines, packets or records upwards), which one pass over the fronts of their records
    /// shows; they are then read as listed, sparing a sort that spooled and decoded each of them twice.
    /// Findings are not checked: those made when the run ends (sessions left open) are listed last, so the
    /// pass would read nearly all of them before it found them out of order.
    private static func placeOrdered(
        _ messages: AuditList<AuditedMessage>, sourceOrdinal: [String: Int], scratch: ScratchSpools
    ) -> AnyIterator<(key: PlaceKey, element: AuditedMessage)> {
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
        if inOrder {
            var listed = messages.enumerated().makeIterator()
            return AnyIterator {
                guard let (position, message) = listed.next() else { return nil }
                return (
                    PlaceKey(source: ordinals[message.source], locator: message.locator, sequence: position), message
                )
            }
        }
        var sort = ReportSort<PlaceKey, AuditedMessage>(scratch: scratch)
        for (position, message) in messages.enumerated() {
            sort.add(
                message, key: PlaceKey(source: ordinals[message.source], locator: message.locator, sequence: position))
        }
        var sorted = sort.sorted().makeIterator()
        return AnyIterator { sorted.next() }
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
