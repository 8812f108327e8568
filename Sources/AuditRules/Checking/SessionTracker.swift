import AuditModel
import JSONCore

/// The only state of a check run: the sessions seen so far, by correlator, and the rules that need two
/// messages (`session.*`, `level.end-message-below-3`). Bounded: beyond `capacity` sessions the oldest is
/// forgotten (and reported if it still waited for its end), so memory stays flat on any input.
final class SessionTracker {
    private struct Session {
        var source: String
        var locator: Locator
        var correlator: String
        var level: Int?
        var startTime: Double?
        var configuration: SessionConfiguration?
        /// The component names outside the allowed namespaces, for masking in a drift finding.
        var userCodeNames: [String]
        /// Whether its level is one at which its generation sends an end message.
        var expectsEnd: Bool
        var ended = false
        var key: SessionKey
    }

    private let configuration: CheckConfiguration
    /// The open sessions in the order their start arrived: forgetting the oldest, and the sessions still
    /// open at the end, are read in order, never looked up.
    private var opened: [Session] = []
    /// Where the oldest open session is in `opened`; the ones before it are forgotten.
    private var openedHead = 0
    /// How many sessions were dropped from the front of `opened` (its index 0 is session number `dropped`).
    private var dropped = 0
    /// Each open session's number (its arrival position): a small table of small entries, which a lookup
    /// reads far more cheaply than a table holding the sessions themselves.
    private var numbers: [SessionKey: Int] = [:]

    init(configuration: CheckConfiguration) {
        self.configuration = configuration
        numbers.reserveCapacity(min(configuration.sessionCapacity, 1 << 16))
    }

    /// The open session with `key`, as an index in `opened`.
    private func index(of key: SessionKey) -> Int? { numbers[key].map { $0 - dropped } }

    /// Applies the session rules to one verdict, in input order: adds findings, and gives an end message its
    /// session's level.
    func observe(_ verdict: inout RecordVerdict) -> [Finding] {
        // Moved out of the verdict, not copied: the session step runs on one thread for every record.
        guard var message = verdict.message.take() else { return [] }
        guard let facts = verdict.session.take() else {
            verdict.message = message
            return []
        }
        var findings: [Finding] = []
        func finding(
            _ rule: RuleDescriptor, _ pointer: JSONPointer, _ text: String, level: Int?, sensitive: [String] = []
        )
            -> Finding
        {
            Finding(
                rule, source: message.source, locator: message.locator, pointer: pointer, level: level,
                correlator: message.correlator, message: text, sensitiveValues: sensitive)
        }
        switch facts.kind {
        case .start:
            // One probe of the table for the usual case, a new session; a duplicate puts the first one back.
            if let earlier = remember(facts, message: message) {
                findings.append(
                    finding(
                        DuplicateSessionRule.descriptor, facts.plan.pointer(of: .correlator) ?? .root,
                        DuplicateSessionRule.message(earlierSource: earlier.source, earlierLocator: earlier.locator),
                        level: facts.level))
            }
        case .end:
            // Fields are read in place: copying the whole session would retain and release each of them.
            let index = index(of: facts.key)
            let level: Int?
            if case .fixed(let fixed) = configuration.level {
                level = fixed
            } else {
                level = index.flatMap { opened[$0].level }
            }
            message.level = level
            for i in verdict.findings.indices where verdict.findings[i].level == nil {
                verdict.findings[i].level = level
            }
            if index == nil {
                findings.append(
                    finding(EndWithoutStartRule.descriptor, .root, EndWithoutStartRule.message, level: level))
            }
            if let level, EndMessageBelow3Rule.applies(level: level, endLevels: facts.plan.endLevels) {
                let origin = configuration.level == .auto ? "from its start message" : "from --level"
                findings.append(
                    finding(
                        EndMessageBelow3Rule.descriptor, .root,
                        EndMessageBelow3Rule.message(level: level, from: origin), level: level))
            }
            if let index {
                if let mismatch = ExecutionTimeMismatchRule.mismatch(
                    startTime: opened[index].startTime, endTime: facts.endTime, duration: facts.duration)
                {
                    findings.append(
                        finding(
                            ExecutionTimeMismatchRule.descriptor, facts.plan.pointer(of: .duration) ?? .root,
                            mismatch, level: level))
                }
                if let before = opened[index].configuration, let after = facts.configuration, before != after,
                    let drift = ConfigDriftRule.drift(before.components, after.components)
                {
                    let names = opened[index].userCodeNames + facts.userCodeNames
                    findings.append(
                        finding(
                            ConfigDriftRule.descriptor, facts.plan.pointer(of: .componentList) ?? .root, drift,
                            level: level, sensitive: Array(Set(names)).sorted()))
                }
                opened[index].ended = true
            }
        case .unknown:
            break
        }
        message.findings += findings.count
        verdict.message = message
        return findings
    }

    /// Sessions still waiting for an end that level 3 promises.
    func finish() -> [Finding] {
        let findings = (openedHead..<opened.count).compactMap(openSessionFinding(at:))
        opened.removeAll()
        numbers.removeAll()
        openedHead = 0
        dropped = 0
        return findings
    }

    /// Opens the session a start message begins, unless one with its correlator is already open: then that
    /// one is kept, and returned.
    private func remember(_ facts: SessionFacts, message: AuditedMessage) -> Session? {
        // One probe of the table for the usual case, a new session.
        let number = dropped + opened.count
        if let earlier = numbers.updateValue(number, forKey: facts.key) {
            numbers[facts.key] = earlier
            return opened[earlier - dropped]
        }
        // Only a session that will send an end keeps its configuration (the worker left it out otherwise).
        opened.append(
            Session(
                source: message.source, locator: message.locator, correlator: message.correlator ?? "",
                level: facts.level, startTime: facts.startTime, configuration: facts.configuration,
                userCodeNames: facts.userCodeNames,
                expectsEnd: facts.level.map(facts.plan.endLevels.contains) ?? false, key: facts.key))
        if opened.count - openedHead > configuration.sessionCapacity {
            if let finding = openSessionFinding(at: openedHead) { pendingEvictions.append(finding) }
            numbers[opened[openedHead].key] = nil
            // The forgotten session's configuration goes now; its slot goes with the next compaction.
            opened[openedHead].configuration = nil
            opened[openedHead].userCodeNames = []
            openedHead += 1
            if openedHead > 4096 && openedHead * 2 > opened.count {
                opened.removeFirst(openedHead)
                dropped += openedHead
                openedHead = 0
            }
        }
        return nil
    }

    /// Findings about forgotten sessions, handed out by `takeEvictions`.
    private var pendingEvictions: [Finding] = []

    func takeEvictions() -> [Finding] {
        defer { pendingEvictions.removeAll() }
        return pendingEvictions
    }

    /// The finding for the session at `index` of `opened` when it still waits for its end.
    private func openSessionFinding(at index: Int) -> Finding? {
        guard !opened[index].ended, opened[index].expectsEnd, let level = opened[index].level else { return nil }
        return Finding(
            StartWithoutEndRule.descriptor, source: opened[index].source, locator: opened[index].locator,
            level: level, correlator: opened[index].correlator, message: StartWithoutEndRule.message(level: level))
    }
}

/// A session's configuration components, kept as their compact JSON text: one string per open session
/// instead of a tree of values, which keeps the (bounded) session table small. Built on the worker thread,
/// so no tree of values crosses to the session thread.
struct SessionConfiguration: Sendable, Equatable {
    /// The compact serialization of the component list.
    let text: String
    /// The components themselves, kept only when the text cannot stand for them exactly: a non-finite
    /// number (written as null), or a list too long or too deep to read back under the default limits.
    private let kept: [JSONValue]?

    static let longestText = 65_536
    static let deepestText = 256

    init(_ components: [JSONValue]) {
        // Members in their written order (sorting them costs more than the rest): a list written in another
        // order gets another text, and is then compared as values.
        text = JSONValue.array(components).serialized(.init(sortKeys: false))
        let inexact =
            text.utf8.count > Self.longestText
            || components.contains { Self.cannotBeText($0, depth: 1) }
        kept = inexact ? components : nil
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
/// is. Two correlators get equal keys exactly when they are the same string.
enum SessionKey: Hashable, Sendable {
    case uuid(UInt64, UInt64)
    case text(String)

    init(_ correlator: String) {
        self = Self.uuidBits(correlator).map { .uuid($0.high, $0.low) } ?? .text(correlator)
    }

    /// The bits of a lower-case `8-4-4-4-12` UUID; `nil` for any other text (upper case included, so that
    /// the key stays one-to-one with the string).
    private static func uuidBits(_ text: String) -> (high: UInt64, low: UInt64)? {
        var text = text
        return text.withUTF8 { bytes -> (high: UInt64, low: UInt64)? in
            guard bytes.count == 36, bytes[8] == UInt8(ascii: "-"), bytes[13] == UInt8(ascii: "-"),
                bytes[18] == UInt8(ascii: "-"), bytes[23] == UInt8(ascii: "-")
            else { return nil }
            return hexDigits.withUnsafeBufferPointer { digits -> (high: UInt64, low: UInt64)? in
                // Every digit's value, or-ed into `invalid`: one test at the end instead of one per digit.
                var invalid: UInt8 = 0
                func half(_ ranges: [Range<Int>]) -> UInt64 {
                    var bits: UInt64 = 0
                    for range in ranges {
                        for index in range {
                            let value = digits[Int(bytes[index])]
                            invalid |= value
                            bits = bits << 4 | UInt64(value & 0x0F)
                        }
                    }
                    return bits
                }
                let high = half(highDigits), low = half(lowDigits)
                return invalid & 0xF0 == 0 ? (high, low) : nil
            }
        }
    }

    private static let highDigits = [0..<8, 9..<13, 14..<18]
    private static let lowDigits = [19..<23, 24..<36]

    /// The value of each lower-case hex digit; 0xF0 for every other byte.
    private static let hexDigits: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(byte) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt8(byte) - UInt8(ascii: "a") + 10
        default: 0xF0
        }
    }
}
