import AuditModel

/// Where a sighting was made: an input of the run, and the capture interface within it (0 for inputs
/// without interfaces). A message seen twice on one stream was sent twice; seen on two streams, it is one
/// send observed twice.
struct SightingStream: Hashable, Sendable {
    var input: Int
    var interface: Int
}

/// The messages of a run from their first sighting until they are released to the report, in the order of
/// their first sighting. While a message is here, a later sighting of the same content on another stream
/// (the line that logged a captured datagram, the same datagram on a second interface) is counted as an
/// observation of it instead of a new message.
///
/// Bounded: beyond `capacity` messages the oldest is released and forgotten (counted in `forgotten`); a
/// later sighting of it is then a new message. Each entry keeps the message's identity (a digest of its canonical text) for matching.
final class ObservationLedger {
    struct Entry {
        var message: AuditedMessage
        /// The message's identity (generation and canonical JSON), `nil` for what cannot be matched.
        var content: ContentIdentity?
        /// The streams that saw it, the first one first.
        var streams: [SightingStream]
        /// The correlator of an end message the session step holds until its start arrives.
        var heldEnd: SessionKey?
        /// Where it was seen: on the wire, in a log, or both (for `--reconcile`).
        var origins: SightingOrigin
    }

    let capacity: Int
    /// Entries by ticket: `entries[i]` has ticket `base + i`; those before `head` were released.
    private var entries: [Entry?] = []
    private var head = 0
    private var base = 0
    /// The tickets of the entries with each content, oldest first.
    private var sends: [ContentIdentity: [Int]] = [:]
    /// Messages released because the ledger was full, before the run ended.
    private(set) var forgotten = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { entries.count - head }
    var isFull: Bool { count > capacity }
    /// The ticket the next message added gets.
    var nextTicket: Int { base + entries.count }

    /// The oldest send of `content` that `stream` has not seen yet: a sighting on `stream` is that send.
    func earlierSend(of content: ContentIdentity, on stream: SightingStream) -> Int? {
        sends[content]?.first { !entries[$0 - base]!.streams.contains(stream) }
    }

    /// Counts a later sighting of the message with `ticket`. Returns whether its input had not seen it yet
    /// (an input's message count counts each message once).
    func addSighting(
        _ observation: Observation, on stream: SightingStream, origin: SightingOrigin, to ticket: Int
    ) -> Bool {
        let index = ticket - base
        entries[index]!.origins.formUnion(origin)
        let newInInput = !entries[index]!.streams.contains { $0.input == stream.input }
        entries[index]!.message.addObservation(observation)
        entries[index]!.streams.append(stream)
        return newInInput
    }

    func add(
        _ message: AuditedMessage, content: ContentIdentity?, stream: SightingStream, origin: SightingOrigin,
        heldEnd: SessionKey?
    ) {
        let ticket = nextTicket
        entries.append(
            Entry(message: message, content: content, streams: [stream], heldEnd: heldEnd, origins: origin))
        if let content { sends[content, default: []].append(ticket) }
    }

    /// Updates the message with `ticket` in place.
    func update(_ ticket: Int, _ body: (inout Entry) -> Void) {
        let index = ticket - base
        guard index >= head, index < entries.count, entries[index] != nil else { return }
        body(&entries[index]!)
    }

    /// The oldest entry and its ticket.
    var oldest: (ticket: Int, entry: Entry)? {
        guard head < entries.count else { return nil }
        return (base + head, entries[head]!)
    }

    /// Releases the oldest entry; `forgetting` counts it as forgotten before the end of the run.
    func removeOldest(forgetting: Bool) -> Entry {
        let entry = entries[head].take()!
        if let content = entry.content {
            let ticket = base + head
            if var tickets = sends.removeValue(forKey: content) {
                tickets.removeAll { $0 == ticket }
                if !tickets.isEmpty { sends[content] = tickets }
            }
        }
        head += 1
        if forgetting { forgotten += 1 }
        if head > 4096 && head * 2 > entries.count {
            entries.removeFirst(head)
            base += head
            head = 0
        }
        return entry
    }
}
