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
        var messageSort = ReportSort<PlaceKey, AuditedMessage>(scratch: scratch)
        for (position, message) in report.messages.enumerated() {
            messageSort.add(message, key: key(message.source, message.locator, position, sourceOrdinal))
        }
        var findingSort = ReportSort<PlaceKey, Finding>(scratch: scratch)
        for (position, finding) in report.findings.enumerated() {
            findingSort.add(finding, key: key(finding.source, finding.locator, position, sourceOrdinal))
        }
        var messages = messageSort.sorted().makeIterator()
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

    /// Source ordinal, locator kind, locator number, then report position.
    static func key(_ source: String, _ locator: Locator?, _ position: Int, _ sourceOrdinal: [String: Int])
        -> PlaceKey
    {
        PlaceKey(source: sourceOrdinal[source] ?? Int.max, locator: locator, sequence: position)
    }

    private static func sameGroup(_ lhs: PlaceKey, _ rhs: PlaceKey) -> Bool { lhs.samePlace(rhs) }
}
