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
/// It also lends each message the network evidence of its first sighting that has any: a finding about a
/// message first seen in a log waits here until a capture or journal shows who sent it, or until the message
/// is released, so the finding names the sender whatever the order of the inputs.
///
/// Bounded: beyond `capacity` messages the oldest is released and forgotten (counted in `forgotten`); a
/// later sighting of it is then a new message. Each entry keeps the message's identity (a digest of its
/// canonical text) for matching. At most `parkingCapacity` findings wait for evidence (none by default: only
/// a run over several inputs can bring evidence after a message's first sighting): beyond it, the findings
/// of the message that began waiting first are reported without a sender (a finding is a kilobyte or so; a
/// log of a hundred thousand leaky messages must not hold them all).
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
        /// The network evidence of its first sighting that has any.
        var evidence: NetworkEvidence?
        /// Findings about it that wait for `evidence`, in the order they were found.
        var parked: [Finding] = []
        /// Whether its findings stopped waiting because too many waited: later ones go out at once.
        var spilled = false
    }

    /// A message's first sighting: what its findings point at.
    private struct Place: Hashable {
        var source: String
        var locator: Locator
    }

    let capacity: Int
    /// How many findings may wait for network evidence at once.
    var parkingCapacity = 0
    /// Findings waiting now, over all entries.
    private var parkedCount = 0
    /// Tickets of the entries with waiting findings, in the order they began to wait (some may have been
    /// released or evidenced since: skipped when met).
    private var parkingOrder: [Int] = []
    private var parkingHead = 0
    /// Entries by ticket: `entries[i]` has ticket `base + i`. A ring: releasing the oldest moves nothing
    /// (the ledger holds up to `capacity` entries of several hundred bytes each), and a message goes in and
    /// out moved, not copied.
    private var entries = Ring<Entry>()
    private var base = 0
    /// The tickets of the entries with each content, oldest first.
    private var sends: [ContentIdentity: [Int]] = [:]
    /// The ticket of the entry first seen at each place, for the entries whose first sighting had no network
    /// evidence, in a run where findings may wait for it: how a finding that names only its place (a session
    /// finding) finds the message it is about, and the evidence a later sighting brought it. Messages first
    /// seen with evidence lend their findings that evidence when the findings are made.
    private var firstSeenWithoutEvidence: [Place: Int] = [:]
    /// Messages that could have been matched (they have an identity), released because the ledger was
    /// full, before the run ended.
    private(set) var forgotten = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        // Room for a full ledger at once (address space only, until used), so that filling it never copies.
        entries.reserveCapacity(min(self.capacity + 1, 1 << 17))
    }

    var count: Int { entries.count }
    var isFull: Bool { count > capacity }
    /// The ticket the next message added gets.
    var nextTicket: Int { base + entries.count }

    /// The oldest send of `content` that `stream` has not seen yet: a sighting on `stream` is that send.
    func earlierSend(of content: ContentIdentity, on stream: SightingStream) -> Int? {
        sends[content]?.first { !entries[$0 - base].streams.contains(stream) }
    }

    /// Counts a later sighting of the message with `ticket`. Returns whether its input had not seen it yet
    /// (an input's message count counts each message once), and, when this sighting is the first to bring
    /// network evidence, the parked findings, which now carry it.
    func addSighting(
        _ observation: Observation, on stream: SightingStream, origin: SightingOrigin, to ticket: Int
    ) -> (newInInput: Bool, evidenced: [Finding]) {
        let index = ticket - base
        entries[index].origins.formUnion(origin)
        let newInInput = !entries[index].streams.contains { $0.input == stream.input }
        entries[index].message.addObservation(observation)
        entries[index].streams.append(stream)
        guard entries[index].evidence == nil, let network = observation.network else { return (newInInput, []) }
        entries[index].evidence = network
        var evidenced = entries[index].parked
        entries[index].parked = []
        parkedCount -= evidenced.count
        for i in evidenced.indices { evidenced[i].network = network }
        return (newInInput, evidenced)
    }

    /// Appends to `out` the findings to report now: `finding` with the network evidence of the held message
    /// it points at (the message with `ticket`, or the one first seen at its place), or nothing while it waits
    /// on that message for evidence; and the findings that stop waiting because too many wait. A finding
    /// with evidence of its own, or about no held message, is reported at once.
    func lend(_ finding: Finding, ticket: Int? = nil, into out: inout [Finding]) {
        guard !finding.network.isPresent else { return out.append(finding) }
        let index: Int
        if let ticket {
            index = ticket - base
        } else if let locator = finding.locator,
            let found = firstSeenWithoutEvidence[Place(source: finding.source, locator: locator)]
        {
            index = found - base
        } else {
            return out.append(finding)
        }
        guard index >= 0, index < entries.count else { return out.append(finding) }
        if let evidence = entries[index].evidence {
            var lent = finding
            lent.network = evidence
            return out.append(lent)
        }
        guard !entries[index].spilled, parkingCapacity > 0 else { return out.append(finding) }
        if entries[index].parked.isEmpty { parkingOrder.append(base + index) }
        entries[index].parked.append(finding)
        parkedCount += 1
        while parkedCount > parkingCapacity, parkingHead < parkingOrder.count {
            let oldest = parkingOrder[parkingHead] - base
            parkingHead += 1
            guard oldest >= 0, oldest < entries.count, !entries[oldest].parked.isEmpty
            else { continue }
            out += entries[oldest].parked
            parkedCount -= entries[oldest].parked.count
            entries[oldest].parked = []
            entries[oldest].spilled = true
        }
        compactParkingOrder()
    }

    private func compactParkingOrder() {
        if parkingHead > 4096 && parkingHead * 2 > parkingOrder.count {
            parkingOrder.removeFirst(parkingHead)
            parkingHead = 0
        }
    }

    func add(
        _ message: AuditedMessage, content: ContentIdentity?, stream: SightingStream, origin: SightingOrigin,
        heldEnd: SessionKey?
    ) {
        let ticket = nextTicket
        entries.append(
            Entry(
                message: message, content: content, streams: [stream], heldEnd: heldEnd, origins: origin,
                evidence: message.network))
        if let content { sends[content, default: []].append(ticket) }
        // Only a run whose findings may wait for evidence (parkingCapacity > 0) can see evidence come later.
        if !message.network.isPresent && parkingCapacity > 0 {
            firstSeenWithoutEvidence[Place(source: message.source, locator: message.locator)] = ticket
        }
    }

    /// Updates the message with `ticket` in place; false when it is not here (released, or never added).
    @discardableResult
    func update(_ ticket: Int, _ body: (inout Entry) -> Void) -> Bool {
        let index = ticket - base
        guard index >= 0, index < entries.count else { return false }
        body(&entries[index])
        return true
    }

    /// The oldest entry's ticket, and the session of the end it holds back, if any (read in place: an entry
    /// is several hundred bytes of references).
    var oldest: (ticket: Int, heldEnd: SessionKey?)? {
        entries.isEmpty ? nil : (base, entries[0].heldEnd)
    }

    /// Whether nothing can change the oldest message any more: no later sighting can match it (it has no
    /// identity), no session step holds it (an end waiting for its start), and no finding can wait on it
    /// for evidence (a run that parks none). Such a message only waits for its turn in the report.
    var oldestIsSettled: Bool {
        !entries.isEmpty && parkingCapacity == 0 && !entries[0].content.isPresent && entries[0].heldEnd == nil
    }

    /// Gives a ticket to a message that leaves at once, never entering the ledger (`oldestIsSettled` would
    /// hold of it, and no message waits before it): the tickets of the messages after it stay in step.
    func passThrough() {
        precondition(entries.isEmpty, "a message passes through only an empty ledger")
        base += 1
    }

    /// Releases the oldest entry, its parked findings with it; `forgetting` counts it as forgotten before the
    /// end of the run.
    func removeOldest(forgetting: Bool) -> Entry {
        let entry = entries.removeFirst()
        let ticket = base
        base += 1
        parkedCount -= entry.parked.count
        // Waiting order entries of released messages are dropped from its front.
        while parkingHead < parkingOrder.count, parkingOrder[parkingHead] <= ticket { parkingHead += 1 }
        compactParkingOrder()
        // Each table probed once, by index: looked up and then removed by key, the place's input name was
        // hashed twice (SipHash), 1,900 instructions a message.
        if !entry.message.network.isPresent {
            let place = Place(source: entry.message.source, locator: entry.message.locator)
            if let index = firstSeenWithoutEvidence.index(forKey: place),
                firstSeenWithoutEvidence.values[index] == ticket
            {
                firstSeenWithoutEvidence.remove(at: index)
            }
        }
        if let content = entry.content, let index = sends.index(forKey: content) {
            sends.values[index].removeAll { $0 == ticket }
            if sends.values[index].isEmpty { sends.remove(at: index) }
        }
        // A message without an identity could never be matched: releasing it early forgets nothing.
        if forgetting && entry.content.isPresent { forgotten += 1 }
        return entry
    }
}
