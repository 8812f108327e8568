import AuditModel
import Bytes
import JSONCore

/// The only state of the session step: the sessions seen so far, by correlator, and the rules that need two
/// messages (`session.*`, `level.end-message-below-3`). Sessions are paired whichever message arrives first:
/// Parsl sends each from its own short-lived process and they race, so an end often arrives before its
/// start. Such an end is held, with its findings, until its start arrives (then judged as if it had come
/// second) or the run ends (then it is an end without start).
///
/// Bounded: beyond `capacity` open sessions the oldest is forgotten (and reported if it still waited for its
/// end), and beyond `capacity` held ends the oldest is judged without its start, so memory stays flat.
final class SessionTracker {
    private struct Session {
        var source: String
        var locator: Locator
        /// What a finding about its start message says of that message.
        var subject: Finding.Subject
        var network: NetworkEvidence?
        var level: Int?
        var startTime: Double?
        var configuration: SessionConfiguration?
        /// The component names outside the allowed namespaces, for masking in a drift finding.
        var userCodeNames: [String]
        /// Whether its level is one at which its generation sends an end message.
        var expectsEnd: Bool
        var ended = false
        /// Its correlator, as the table's key (`SessionKey.correlator` spells it again): the table holds no
        /// string of its own for it, one allocation fewer to keep, and to free at the end of a run.
        var key: SessionKey
    }

    /// An end message that arrived before its start, with the findings about it so far.
    private struct HeldEnd {
        /// The checker's number for the message, given back when the end is judged.
        var ticket: Int
        var message: AuditedMessage
        var findings: [Finding]
        var facts: SessionFacts
    }

    /// A held end, judged: its level (for `--level auto`, its start's), how many findings it has, and all
    /// of them (its own and the session rules'), for the checker to report and to update its message with.
    struct JudgedEnd {
        var ticket: Int
        var level: Int?
        var findingCount: Int
        var findings: [Finding]
    }

    private let configuration: CheckConfiguration
    /// The open sessions in the order their start arrived: forgetting the oldest, and the sessions still
    /// open at the end, are read in order, never looked up. A ring: forgetting the oldest moves none.
    private var opened = Ring<Session>()
    /// How many sessions were dropped from the front of `opened` (its index 0 is session number `dropped`).
    private var dropped = 0
    /// Each open session's number (its arrival position): a small table of small entries, which a lookup
    /// reads far more cheaply than a table holding the sessions themselves.
    private var numbers = SessionNumbers()
    /// Ends waiting for their start, by correlator.
    private var held: [SessionKey: HeldEnd] = [:]
    /// The held ends' tickets by correlator: the same keys as `held`, asked first. Nearly every start asks
    /// whether an end waits for it, and nearly always none does, while the ends of the older generations
    /// wait all run long: a `Dictionary` lookup hashed the key with SipHash to say no (about 490
    /// instructions), this table says it in about 20 (`SessionNumbers`).
    private var heldTickets = SessionNumbers()
    /// The held ends' correlators and tickets in arrival order (entries whose end was judged since are
    /// skipped): the oldest is judged first when too many wait, and at the end of the run.
    private var heldOrder: [(key: SessionKey, ticket: Int)] = []
    private var heldHead = 0
    /// Held ends judged since the checker last asked (`takeJudged`).
    private var judged: [JudgedEnd] = []
    /// Findings about forgotten sessions, handed out by `takeEvictions`.
    private var pendingEvictions: [Finding] = []

    init(configuration: CheckConfiguration) {
        self.configuration = configuration
        // Room for a full table at once (address space only, until used), so that filling it never copies.
        let room = min(configuration.sessionCapacity + 1, 1 << 17)
        opened.reserveCapacity(room)
    }

    /// The open session with `key`, as an index in `opened`.
    private func index(of key: SessionKey) -> Int? { numbers.number(of: key).map { $0 - dropped } }

    /// Brings the session table's slot for `verdict`'s session into the cache: called a few records ahead.
    func prefetch(_ verdict: borrowing RecordVerdict) {
        if let key = verdict.session?.key { numbers.prefetch(key) }
    }

    /// Applies the session rules to one verdict, in input order: adds their findings to it, and gives an end
    /// message its session's level. Returns `true` when the verdict is an end whose start has not arrived:
    /// its findings then stay here (the verdict's are emptied) until `takeJudged` hands them out; the
    /// message stays in the verdict, to be updated with the judged end's level and finding count.
    func observe(_ verdict: inout RecordVerdict, ticket: Int) -> Bool {
        // The message is read and changed where it is, in the verdict: taken out into a local and put back,
        // it was copied back (and the local destroyed), about 300 instructions a record.
        guard verdict.message.isPresent, let facts = verdict.session.take() else { return false }
        var holds = false
        switch facts.kind {
        case .start:
            // One probe of the table for the usual case, a new session; a duplicate puts the first one back.
            if let earlier = remember(facts, message: verdict.message!) {
                verdict.findings.append(
                    Self.finding(
                        DuplicateSessionRule.descriptor, about: verdict.message!,
                        facts.plan.pointer(of: .correlator) ?? .root,
                        DuplicateSessionRule.message(earlierSource: earlier.source, earlierLocator: earlier.locator),
                        level: facts.level))
                verdict.message!.findings += 1
            } else if !held.isEmpty, let index = opened.indices.last, opened[index].key == facts.key,
                var end = takeHeld(facts.key)
            {
                // The session just opened is the last one (unless a table of no room forgot it at once): no
                // second lookup of its key, and none in the table of held ends while it is empty.
                judged.append(judge(&end, start: index))
            }
        case .end:
            if let index = index(of: facts.key) {
                // Judged where it is, in the verdict: made into a held end first, its message and facts were
                // copied and then destroyed (about 600 instructions an end).
                let outcome = judge(verdict.message!, facts, ticket: ticket, findings: &verdict.findings, start: index)
                verdict.message!.level = outcome.level
                verdict.message!.findings = outcome.findingCount
                verdict.findings = outcome.findings
            } else {
                if var earlier = takeHeld(facts.key) { judged.append(judge(&earlier, start: nil)) }
                var end = HeldEnd(ticket: ticket, message: verdict.message!, findings: [], facts: facts)
                swap(&end.findings, &verdict.findings)
                held[facts.key] = end
                _ = heldTickets.insert(ticket, for: facts.key)
                heldOrder.append((facts.key, ticket))
                holds = true
                if held.count > configuration.sessionCapacity { judgeOldestHeld() }
            }
        case .unknown:
            break
        }
        return holds
    }

    /// Judges the end held as `ticket` now, without its start (its message is leaving the checker's window).
    func judgeHeld(key: SessionKey, ticket: Int) {
        guard var end = removeHeld(key: key, ticket: ticket) else { return }
        judged.append(judge(&end, start: nil))
    }

    /// Takes out the end held under `key` if it is the one numbered `ticket` (a later end with the same
    /// correlator may have taken the place): the ticket is compared in `heldTickets`, then one probe of the
    /// table of held ends takes the entry out.
    private func removeHeld(key: SessionKey, ticket: Int) -> HeldEnd? {
        guard let index = heldIndex(key: key, ticket: ticket) else { return nil }
        heldTickets.remove(key)
        return held.remove(at: index).value
    }

    /// Takes out the end held under `key`, if any.
    private func takeHeld(_ key: SessionKey) -> HeldEnd? {
        guard heldTickets.number(of: key) != nil else { return nil }
        heldTickets.remove(key)
        return held.removeValue(forKey: key)
    }

    /// Where the end held under `key` is, if it is the one numbered `ticket`.
    private func heldIndex(key: SessionKey, ticket: Int) -> Dictionary<SessionKey, HeldEnd>.Index? {
        guard heldTickets.number(of: key) == ticket, let index = held.index(forKey: key) else { return nil }
        return index
    }

    /// Judges without their start the held ends numbered below `ticket` (`Checker.releasesBeforeJudgment`:
    /// the ends that left the checker's window before their start came).
    func judgeHeld(before ticket: Int) {
        while heldHead < heldOrder.count, heldOrder[heldHead].ticket < ticket {
            let (key, heldTicket) = heldOrder[heldHead]
            heldHead += 1
            // Entries of ends judged since (their start came) are skipped.
            if var end = removeHeld(key: key, ticket: heldTicket) { judged.append(judge(&end, start: nil)) }
        }
        compactHeldOrder()
    }

    /// Held ends judged since the last call.
    func takeJudged() -> [JudgedEnd] {
        defer { judged.removeAll() }
        return judged
    }

    func takeEvictions() -> [Finding] {
        defer { pendingEvictions.removeAll() }
        return pendingEvictions
    }

    // At the end of the run (`Checker.finish(threads:_:)`): ends whose start never arrived are judged without
    // it (`judgeEveryHeldEnd`, then `takeJudged`), the sessions still waiting for an end that level 3 promises
    // give their findings (`openSessionFindings`), and everything is dropped (`forgetEverySession`). The
    // first uses only the held ends, and `openSessionFindings` then `forgetOpenSessions` only the open
    // sessions and their numbers, so the two may run at once on two threads.

    /// Judges every end still held, oldest first, in place (`takeJudged`); the table is then dropped whole
    /// rather than emptied one removal at a time (a removal cost about 840 instructions, on the one thread
    /// that runs while the run's last findings are made).
    func judgeEveryHeldEnd() {
        while heldHead < heldOrder.count {
            let (key, ticket) = heldOrder[heldHead]
            heldHead += 1
            guard let index = heldIndex(key: key, ticket: ticket) else { continue }
            judged.append(judge(&held.values[index], start: nil))
        }
        held.removeAll()
        heldTickets.removeAll()
    }

    /// The findings of the sessions still waiting for an end that their level promises. Reads the open
    /// sessions and changes nothing.
    func openSessionFindings() -> [Finding] {
        // Counted first, so that the findings (a quarter of the sessions, 20,000 and more in a large run) are
        // made into storage of their final size rather than copied at every doubling.
        var findings: [Finding] = []
        findings.reserveCapacity(opened.indices.count { !opened[$0].ended && opened[$0].expectsEnd })
        for index in opened.indices {
            if let finding = openSessionFinding(at: index) { findings.append(finding) }
        }
        return findings
    }

    /// Drops the open sessions and their numbers: what the thread that made their findings does next.
    func forgetOpenSessions() {
        opened.removeAll()
        numbers.removeAll()
    }

    /// Drops every session, held end and number: the run is over.
    func forgetEverySession() {
        forgetOpenSessions()
        held.removeAll()
        heldTickets.removeAll()
        heldOrder.removeAll()
        heldHead = 0
        dropped = 0
    }

    // MARK: Judging an end

    /// The pair rules for an end and its start (at `start` in `opened`), or the end alone when its start never
    /// appeared. Findings point at the end message, whichever arrived first. The end's findings are taken out
    /// of it (its holder drops it): a copy of them was copied again at the first finding added.
    private func judge(_ end: inout HeldEnd, start: Int?) -> JudgedEnd {
        judge(end.message, end.facts, ticket: end.ticket, findings: &end.findings, start: start)
    }

    /// The same for the end `message` (numbered `ticket`, with `facts`), whose findings so far are taken out
    /// of `endFindings`.
    private func judge(
        _ message: AuditedMessage, _ facts: SessionFacts, ticket: Int, findings endFindings: inout [Finding],
        start: Int?
    ) -> JudgedEnd {
        var findings: [Finding] = []
        swap(&findings, &endFindings)
        let level: Int?
        if case .fixed(let fixed) = configuration.level {
            level = fixed
        } else {
            level = start.flatMap { opened[$0].level }
        }
        for i in findings.indices where findings[i].level == nil { findings[i].level = level }
        let added = findings.count
        func report(_ rule: RuleDescriptor, _ pointer: JSONPointer, _ text: String, sensitive: [String] = []) {
            findings.append(Self.finding(rule, about: message, pointer, text, level: level, sensitive: sensitive))
        }
        if start == nil { report(EndWithoutStartRule.descriptor, .root, EndWithoutStartRule.message) }
        if let level, EndMessageBelow3Rule.applies(level: level, endLevels: facts.plan.endLevels) {
            let origin = configuration.level == .auto ? "from its start message" : "from --level"
            report(EndMessageBelow3Rule.descriptor, .root, EndMessageBelow3Rule.message(level: level, from: origin))
        }
        if let start {
            // Fields are read in place: copying the whole session would retain and release each of them.
            if let mismatch = ExecutionTimeMismatchRule.mismatch(
                startTime: opened[start].startTime, endTime: facts.endTime, duration: facts.duration)
            {
                report(ExecutionTimeMismatchRule.descriptor, facts.plan.pointer(of: .duration) ?? .root, mismatch)
            }
            if let before = opened[start].configuration, let after = facts.configuration, before != after,
                let drift = ConfigDriftRule.drift(before.components, after.components)
            {
                let names = opened[start].userCodeNames + facts.userCodeNames
                report(
                    ConfigDriftRule.descriptor, facts.plan.pointer(of: .componentList) ?? .root, drift,
                    sensitive: Array(Set(names)).sorted())
            }
            opened[start].ended = true
        }
        return JudgedEnd(
            ticket: ticket, level: level, findingCount: message.findings + findings.count - added, findings: findings)
    }

    private func judgeOldestHeld() {
        while heldHead < heldOrder.count {
            let (key, ticket) = heldOrder[heldHead]
            heldHead += 1
            if var end = removeHeld(key: key, ticket: ticket) {
                judged.append(judge(&end, start: nil))
                break
            }
        }
        compactHeldOrder()
    }

    private func compactHeldOrder() {
        if heldHead > 4096 && heldHead * 2 > heldOrder.count {
            heldOrder.removeFirst(heldHead)
            heldHead = 0
        }
    }

    private static func finding(
        _ rule: RuleDescriptor, about message: AuditedMessage, _ pointer: JSONPointer, _ text: String, level: Int?,
        sensitive: [String] = []
    ) -> Finding {
        var finding = Finding(
            rule, source: message.source, locator: message.locator, pointer: pointer, level: level,
            correlator: message.correlator, message: text, sensitiveValues: sensitive)
        finding.network = message.network
        finding.subject = Finding.Subject(message)
        return finding
    }

    // MARK: Open sessions

    /// Opens the session a start message begins, unless one with its correlator is already open: then that
    /// one is kept, and returned.
    private func remember(_ facts: SessionFacts, message: AuditedMessage) -> Session? {
        // One probe of the table for the usual case, a new session.
        let number = dropped + opened.count
        if let earlier = numbers.insert(number, for: facts.key) { return opened[earlier - dropped] }
        // Only a session that will send an end keeps its configuration (the worker left it out otherwise).
        opened.append(
            Session(
                source: message.source, locator: message.locator, subject: Finding.Subject(message),
                network: message.network, level: facts.level, startTime: facts.startTime,
                configuration: facts.configuration, userCodeNames: facts.userCodeNames,
                expectsEnd: facts.level.map(facts.plan.endLevels.contains) ?? false, key: facts.key))
        if opened.count > configuration.sessionCapacity {
            if let finding = openSessionFinding(at: 0) { pendingEvictions.append(finding) }
            numbers.remove(opened.removeFirst().key)
            dropped += 1
        }
        return nil
    }

    /// The finding for the session at `index` of `opened` when it still waits for its end.
    private func openSessionFinding(at index: Int) -> Finding? {
        guard !opened[index].ended, opened[index].expectsEnd, let level = opened[index].level else { return nil }
        var finding = Finding(
            StartWithoutEndRule.descriptor, source: opened[index].source, locator: opened[index].locator,
            level: level, correlator: opened[index].key.correlator, message: StartWithoutEndRule.message(level: level))
        finding.network = opened[index].network
        finding.subject = opened[index].subject
        return finding
    }
}

/// A session's configuration components, kept as their JSON text: one string per open session instead of a
/// tree of values, which keeps the (bounded) session table small. Built on the worker thread, so no tree of
/// values crosses to the session thread.
struct SessionConfiguration: Sendable, Equatable {
    /// A JSON array of the components: their text as the client wrote it when the parser said where it is,
    /// else their compact serialization. Either reads back as the components (unless `kept`).
    let text: String
    /// The components themselves, kept only when the text cannot stand for them exactly: a non-finite
    /// number (written as null, or as a token the default parse refuses), or a list too long or too deep to
    /// read back under the default limits.
    private let kept: [JSONValue]?

    static let longestText = 65_536
    static let deepestText = 256

    init(_ components: [JSONValue]) {
        // Members in their written order (sorting them costs more than the rest): a list written in another
        // order gets another text, and is then compared as values.
        text = JSONValue.array(components).serialized(.init(sortKeys: false))
        kept = Self.cannotStandFor(components, text: text) ? components : nil
    }

    /// A configuration whose text is known to stand for its components exactly (no non-finite number, short
    /// and shallow enough to read back: a tape's, `RecordAuditor.configuration(_:tape:text:)`).
    init(standingFor written: String) {
        text = written
        kept = nil
    }

    /// The configuration of the elements `indices` of a component list, from their text as the client wrote
    /// it (`text(of:at:base:in:)`): a list written otherwise (spaced, escaped, ordered) gets another text, and
    /// is then compared as values.
    init(written: String, elements: [JSONValue], indices: [Int]) {
        text = written
        let components = indices.lazy.map { elements[$0] }
        kept = Self.cannotStandFor(components, text: written) ? Array(components) : nil
    }

    /// Whether `text` cannot stand for `components` (see `kept`).
    private static func cannotStandFor(_ components: some Sequence<JSONValue>, text: String) -> Bool {
        text.utf8.count > longestText || components.contains { cannotBeText($0, depth: 1) }
    }

    /// A JSON array of the elements `indices` of a list whose elements' offsets in `bytes` (a message's text,
    /// which its parse found to be UTF-8) start at pair `base` of `bounds` (`[start, end, start, end...]`, as
    /// `JSONValue.parseNotingElements` gives them), copied as written and separated by commas; `nil` when
    /// an offset lies outside `bytes`.
    static func text(of indices: [Int], at bounds: [Int], base: Int, in bytes: UnsafeRawBufferPointer) -> String? {
        bounds.withUnsafeBufferPointer { text(of: indices, at: $0, base: base, in: bytes) }
    }

    /// The same with the bounds where they lie (a tape's, gathered in temporary memory).
    static func text(
        of indices: [Int], at bounds: UnsafeBufferPointer<Int>, base: Int, in bytes: UnsafeRawBufferPointer
    ) -> String? {
        guard let source = bytes.baseAddress else { return nil }
        var length = 1 + max(indices.count, 1)
        for index in indices {
            let pair = 2 * (base + index)
            guard index >= 0, pair + 1 < bounds.count, bounds[pair] >= 0, bounds[pair] <= bounds[pair + 1],
                bounds[pair + 1] <= bytes.count
            else { return nil }
            length += bounds[pair + 1] - bounds[pair]
        }
        return String(unsafeUninitializedCapacity: length) { text in
            var at = 0
            text[at] = UInt8(ascii: "[")
            at += 1
            for (position, index) in indices.enumerated() {
                if position > 0 {
                    text[at] = UInt8(ascii: ",")
                    at += 1
                }
                let start = bounds[2 * (base + index)], count = bounds[2 * (base + index) + 1] - start
                UnsafeMutableRawPointer(text.baseAddress! + at).copyMemory(from: source + start, byteCount: count)
                at += count
            }
            text[at] = UInt8(ascii: "]")
            return at + 1
        }
    }

    /// The components, read back from the text when it stands for them exactly.
    var components: [JSONValue] {
        if let kept { return kept }
        guard case .array(let components)? = try? JSONValue.parse(text) else { return [] }
        return components
    }

    /// Equal texts from exact serializations mean equal lists; anything else is compared as values.
    static func == (lhs: Self, rhs: Self) -> Bool {
        if lhs.kept == nil && rhs.kept == nil && lhs.text == rhs.text { return true }
        return lhs.components == rhs.components
    }

    private static func cannotBeText(_ value: JSONValue, depth: Int) -> Bool {
        guard depth < deepestText else { return true }
        switch value {
        case .real(let number): return !number.isFinite
        case .array(let elements): return elements.contains { cannotBeText($0, depth: depth + 1) }
        case .object(let object): return object.values.contains { cannotBeText($0, depth: depth + 1) }
        default: return false
        }
    }
}

/// A correlator as the session table's key: a UUID in Parsl's spelling (`str(uuid.uuid4())`, lower-case
/// hex) as its 128 bits, which hash and compare faster than its 36 characters; any other correlator as it
/// is. Two correlators get equal keys exactly when they are the same string. Hashed as Swift synthesizes it
/// (both words through the process's seeded hasher): senders choose correlators, and a cheaper hash that
/// folds the words first lets them choose thousands that share one hash.
enum SessionKey: Hashable, Sendable {
    case uuid(UInt64, UInt64)
    case text(String)

    init(_ correlator: String) {
        self = Self.uuidBits(correlator).map { .uuid($0.high, $0.low) } ?? .text(correlator)
    }

    /// The correlator the key stands for, spelled as it was (a UUID's bits in lower-case `8-4-4-4-12`).
    var correlator: String {
        switch self {
        case .text(let text):
            return text
        case .uuid(let high, let low):
            return String(unsafeUninitializedCapacity: 36) { text in
                var at = 0
                func put(_ bits: UInt64, digits: Int) {
                    LowerHex.write(bits, digits: digits, into: UnsafeMutableRawBufferPointer(text), at: at)
                    at += digits
                }
                func dash() {
                    text[at] = UInt8(ascii: "-")
                    at += 1
                }
                put(high >> 32, digits: 8)
                dash()
                put(high >> 16, digits: 4)
                dash()
                put(high, digits: 4)
                dash()
                put(low >> 48, digits: 4)
                dash()
                put(low, digits: 12)
                return at
            }
        }
    }

    /// The bits of a lower-case `8-4-4-4-12` UUID; `nil` for any other text (upper case included, so that
    /// the key stays one-to-one with the string). Its digits are read eight (or four) at a time, as words.
    private static func uuidBits(_ text: String) -> (high: UInt64, low: UInt64)? {
        return text.withUTF8InPlace { bytes -> (high: UInt64, low: UInt64)? in
            guard bytes.count == 36, bytes[8] == UInt8(ascii: "-"), bytes[13] == UInt8(ascii: "-"),
                bytes[18] == UInt8(ascii: "-"), bytes[23] == UInt8(ascii: "-")
            else { return nil }
            let base = UnsafeRawPointer(bytes.baseAddress!)
            func eight(_ offset: Int) -> UInt64? {
                LowerHex.value(ofEightDigits: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            }
            func four(_ offset: Int) -> UInt64? {
                // Four zero digits after the four read, shifted out again.
                let word = UInt64(base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) | 0x3030_3030 << 32
                return LowerHex.value(ofEightDigits: word).map { $0 >> 16 }
            }
            guard let a = eight(0), let b = four(9), let c = four(14), let d = four(19), let e = eight(24),
                let f = four(32)
            else { return nil }
            return (a << 32 | b << 16 | c, d << 48 | e << 16 | f)
        }
    }
}
