import Storage

/// What a run has found so far: the report's messages and findings, spooled as they come so memory stays
/// flat, and their senders. `check` and `listen` both keep what their checker releases here, the same way.
public struct FoundSoFar {
    public private(set) var messages: AuditListBuilder<AuditedMessage>
    public private(set) var findings: AuditListBuilder<Finding>
    public private(set) var hosts = HostInventory()
    /// The messages kept before their judgment, by the checker's ticket: where each one's record begins, and
    /// for one with a sender, the message (without its payload) to count under it once its level is known.
    private var awaiting: [Int: (offset: Int, sent: AuditedMessage?)] = [:]

    public init(spool: SpoolConfiguration = .init()) {
        messages = AuditListBuilder(configuration: spool)
        findings = AuditListBuilder(configuration: spool)
    }

    /// Messages kept and not judged yet.
    public var awaitingJudgment: Int { awaiting.count }

    /// Keeps messages and findings the checker released, each counted to its sender, and leaves both arrays
    /// empty (their capacity kept for the next step); `found` sees each finding as it is kept (`listen`
    /// prints a live line for it). The messages at the positions `waiting` names are kept before their
    /// judgment: their level and finding count are written into their records when `judged` (of this call
    /// or a later one) gives them, and they are counted to their sender then.
    ///
    /// Each element is moved out of its array, not copied: a copy counts a reference for each of its strings,
    /// and in `check` those strings were made on the auditing thread, so each count took a cache line from
    /// the other processor (an element is copied out by `for ... in`, and by a subscript however it is read,
    /// since the calls between could change the array as far as the compiler knows).
    public mutating func take(
        messages released: inout [AuditedMessage], findings reported: inout [Finding],
        awaiting waiting: [AwaitingJudgment] = [], judged: [LaterJudgment] = [], found: (Finding) -> Void = { _ in }
    ) {
        var nextWaiting = waiting.makeIterator()
        var next = nextWaiting.next()
        // Reversed, so that each `popLast` moves the next one out in order; in their buffer, where a swap moves
        // the two elements (the array's own swap copies them). One element, most steps' count, is in order.
        if released.count > 1 { released.withUnsafeMutableBufferPointer { $0.reverse() } }
        var position = 0
        while let message = released.popLast() {
            defer { position += 1 }
            guard let waits = next, waits.position == position else {
                hosts.add(message)
                messages.append(message)
                continue
            }
            let offset = messages.append(message)
            var sent: AuditedMessage?
            if HostInventory.sender(of: message) != nil {
                sent = message
                sent!.payload = nil
            }
            awaiting[waits.ticket] = (offset, sent)
            next = nextWaiting.next()
        }
        // Most steps report no finding or one: an empty array's storage is the shared empty one, which asking
        // for its buffer would replace with storage of its own.
        if reported.count > 1 { reported.withUnsafeMutableBufferPointer { $0.reverse() } }
        while let finding = reported.popLast() { keep(finding, found: found) }
        for judgment in judged {
            guard let (offset, sent) = awaiting.removeValue(forKey: judgment.ticket) else {
                assertionFailure("a judgment of message \(judgment.ticket), which was not kept before its judgment")
                continue
            }
            if var message = sent {
                message.level = judgment.level
                message.findings = judgment.findings
                hosts.add(message)
            }
            messages.patch(at: offset, with: AuditedMessage.judgmentRecord(level: judgment.level, findings: judgment.findings))
        }
    }

    /// Keeps a finding, counted to its sender, and shows it to `found`. Handed over (`consuming`) and
    /// destroyed here, as a `Finding`: destroyed in the caller's loop, it went as the `Finding?` that
    /// `popLast` returned through an outlined destruction the compiler shares among optionals (the type's
    /// metadata looked up and its witness called), about 520 instructions a finding. Not inlined: inlined,
    /// the shared destruction came back.
    @inline(never)
    private mutating func keep(_ finding: consuming Finding, found: (Finding) -> Void) {
        hosts.add(finding)
        findings.append(finding)
        found(finding)
    }

    /// Keeps a finding about the run or a whole input (no messages, too few), which no sender made.
    public mutating func keepWithoutSender(_ finding: Finding) {
        findings.append(finding)
    }
}

/// A message a checker released to the report before its session step judged it (an end waiting for its
/// start, in a run that does not hold such ends back): its position among the messages released with it, and
/// the checker's number for it, which its judgment (`LaterJudgment`) names.
public struct AwaitingJudgment: Sendable, Hashable {
    public var position: Int
    public var ticket: Int

    public init(position: Int, ticket: Int) {
        self.position = position
        self.ticket = ticket
    }
}

/// The judgment of a message released before it (`AwaitingJudgment`): its level and its finding count.
public struct LaterJudgment: Sendable, Hashable {
    public var ticket: Int
    public var level: Int?
    public var findings: Int

    public init(ticket: Int, level: Int?, findings: Int) {
        self.ticket = ticket
        self.level = level
        self.findings = findings
    }
}
