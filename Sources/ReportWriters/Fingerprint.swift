import AuditModel
import Bytes
import Crypto
import JSONCore

/// A finding's `fingerprint` (the JSON report's, and SARIF's `partialFingerprints`): lets `--baseline` and
/// code scanning recognise a finding as the same one in the next run. `ReportPreparation` computes it, once
/// per finding, for every format.
///
/// A finding is "the same" when the same rule fires on the same input at the same place in the same kind of
/// message, about the same values. What changes between two runs of the same workflow is left out: the
/// correlator (a fresh UUID every run), the frame or line number (another capture shifts it), the level
/// and the message text (which may quote times). The values are taken in their masked form and the input
/// name and pointer through the same redaction, so the fingerprint is identical with and without
/// `--redact` and is not derived from any raw personal value.
///
/// Like GitHub's own `primaryLocationLineHash`, a `:N` suffix counts repeats of one identity within the
/// run, so that a leak repeated in every message stays one result per message.
///
/// Kept as this value from preparation to the writer (a report may hold a million findings: no `String` is
/// made of it unless a finding is read whole or a baseline is consulted); `text` is what reports show.
struct Fingerprint: Hashable, Sendable {
    static let key = "usageAudit/v1"

    /// The first 128 bits of the identity's SHA-256.
    var prefix: Fingerprinter.HashPrefix
    /// Which sighting of its identity in the run this is, from 1.
    var occurrence: Int

    /// `HASH:N`.
    var text: String { Fingerprinter.text(prefix, occurrence: occurrence) }

    /// The text as a JSON string, its bytes straight into `out` (hexadecimal digits, a colon and a decimal
    /// need no escape).
    func writeQuoted(to out: inout ByteBuffer) {
        var digits: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)  // room for `"`, 32 digits, `:`
        withUnsafeMutableBytes(of: &digits) { buffer in
            buffer[0] = UInt8(ascii: "\"")
            Fingerprinter.writeHex(prefix, into: UnsafeMutableRawBufferPointer(rebasing: buffer[1..<33]))
            buffer[33] = UInt8(ascii: ":")
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<34]))
        }
        out.append(decimal: Int64(occurrence))
        out.append(UInt8(ascii: "\""))
    }
}

/// Computes `Fingerprint`s finding after finding, in report order. It keeps one counter per distinct
/// identity (for the `:N` suffix), never one per finding.
///
/// A report may hold a million findings, so the identity is assembled as bytes in one reused buffer and the
/// fingerprint kept as a value (`Fingerprint`: its text is made only where it is shown); the redacted forms
/// of sources and pointers, which repeat across nearly every finding, are remembered (up to
/// `rememberedForms` of each, then forgotten and worked out again), sensitive values' masks are the
/// redactor's, found by their bytes, and the hashes of recent identities are remembered (`IdentityCache`).
struct Fingerprinter {
    /// Built from the unredacted report: masks come from every finding's sensitive values.
    let redactor: Redactor
    /// Occurrences so far of each identity, keyed by its hash's first 128 bits (the part printed).
    private var seen = OccurrenceCounts()
    private var redactedSources: [String: [UInt8]] = [:]
    private var redactedPointers: [JSONPointer: [UInt8]] = [:]
    private var maskedValues: [String: String] = [:]
    /// The hash prefix of each identity met lately: most findings repeat an identity (every session left
    /// open in one input has the same), and looking it up costs a tenth of hashing it again.
    private var prefixes = IdentityCache()
    private var identity: [UInt8] = []
    /// The last source and the recent pointers, by their bytes.
    private var lastSourceBytes: (source: [UInt8], redacted: [UInt8])?
    private var recentPointerKeys: [(key: [UInt8], redacted: [UInt8])] = []
    private var pointerKey: [UInt8] = []
    static let rememberedForms = 4096

    init(redactor: Redactor) { self.redactor = redactor }

    /// The fingerprint of the next finding of the unredacted report, given the kind of the message it points
    /// at (`nil` when the report lists none).
    mutating func next(_ finding: Finding, messageKind: MessageKind?) -> Fingerprint {
        next(Finding.Place(finding), messageKind: messageKind)
    }

    /// The same from a finding's spooled record, read in place: the same identity, made from the record's
    /// bytes without making the finding's strings (its rule, source and pointer repeat from finding to
    /// finding, and are compared as bytes with the ones before).
    mutating func next(_ finding: Finding.RecordView, messageKind: MessageKind?) -> Fingerprint {
        let prefix = identityPrefix(finding, messageKind: messageKind)
        return Fingerprint(prefix: prefix, occurrence: seen.counting(prefix))
    }

    /// The hash prefix of a finding's identity, without counting it: what `next` makes of the finding
    /// before its occurrence, for a writer that works out the identities of several runs of findings side
    /// by side and counts them in order (`OccurrenceCounts`).
    mutating func identityPrefix(_ finding: Finding.RecordView, messageKind: MessageKind?) -> HashPrefix {
        beginIdentity(rule: finding.rule, source: finding.source, kind: Self.kind(messageKind, finding.locator))
        appendRedactedPointer(finding.pointerTokens)
        switch finding.sensitiveValues.count {
        case 0: break
        // One value, the usual case, masked from its bytes without a string made of them.
        case 1: finding.sensitiveValues.forEach { appendMasked(bytes: $0) }
        default: appendMasked(finding.sensitiveValues.strings())
        }
        return identityPrefix()
    }

    /// The fingerprint of the next finding, from what report preparation reads of it.
    mutating func next(_ finding: Finding.Place, messageKind: MessageKind?) -> Fingerprint {
        // Strings are appended as their bytes in place (appending a `String.UTF8View` went through the
        // generic sequence path, about 190 instructions each).
        finding.rule.withUTF8InPlace { rule in
            finding.source.withUTF8InPlace { source in
                beginIdentity(
                    rule: UnsafeRawBufferPointer(rule), source: UnsafeRawBufferPointer(source),
                    kind: Self.kind(messageKind, finding.locator))
            }
        }
        appendRedactedPointer(finding.pointer)
        appendMasked(finding.sensitiveValues)
        return identityFingerprint()
    }

    /// The message kind an identity names: the message's, or `input` for a finding about a whole input.
    private static func kind(_ messageKind: MessageKind?, _ locator: Locator?) -> String {
        messageKind?.rawValue ?? (locator == nil ? "input" : "")
    }

    /// Starts the identity: rule, redacted source, message kind, each followed by a NUL; the redacted pointer
    /// and the distinct masked values in order, separated by NUL, follow.
    private mutating func beginIdentity(rule: UnsafeRawBufferPointer, source: UnsafeRawBufferPointer, kind: String) {
        identity.removeAll(keepingCapacity: true)
        identity.append(contentsOf: rule)
        identity.append(0)
        appendRedactedSource(source)
        identity.append(0)
        kind.withUTF8InPlace { identity.append(contentsOf: $0) }
        identity.append(0)
    }

    /// The distinct masked forms of a finding's sensitive values, in order, each after a NUL.
    private mutating func appendMasked(_ values: some Collection<String>) {
        switch values.count {
        case 0: break
        case 1:
            identity.append(0)
            masked(values.first!).withUTF8InPlace { identity.append(contentsOf: $0) }
        default:
            for value in Set(values.map { masked($0) }).sorted() {
                identity.append(0)
                value.withUTF8InPlace { identity.append(contentsOf: $0) }
            }
        }
    }

    /// The masked form of one sensitive value, after a NUL: `appendMasked` of that value alone.
    private mutating func appendMasked(bytes value: UnsafeRawBufferPointer) {
        identity.append(0)
        if let mask = redactor.mask(ofSensitiveValue: value) {
            mask.withUTF8InPlace { identity.append(contentsOf: $0) }
        } else {
            masked(String(decoding: value, as: UTF8.self)).withUTF8InPlace { identity.append(contentsOf: $0) }
        }
    }

    /// The fingerprint of the identity assembled in `identity`: its hash's prefix and its occurrence so far.
    private mutating func identityFingerprint() -> Fingerprint {
        let prefix = identityPrefix()
        return Fingerprint(prefix: prefix, occurrence: seen.counting(prefix))
    }

    /// The hash prefix of the identity assembled in `identity`.
    private mutating func identityPrefix() -> HashPrefix {
        prefixes.prefix(of: identity) {
            SHA256.hash(data: identity).withUnsafeBytes { digest in
                HashPrefix(
                    high: UInt64(bigEndian: digest.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                    low: UInt64(bigEndian: digest.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            }
        }
    }

    /// How often each identity was met so far, by its hash prefix. A prefix is SHA-256 output, evenly spread
    /// already, so a slot is two multiplications and a shift of its bits, where a `Dictionary` ran the seeded
    /// hasher over it (about 270 instructions a finding). The multipliers are drawn for each table, so
    /// identities cannot be made to share slots without knowing them. Open addressing, linear probing, grown at
    /// half full; like the dictionary, it holds one entry per distinct identity.
    struct OccurrenceCounts {
        private var prefixes = [HashPrefix](repeating: HashPrefix(high: 0, low: 0), count: 1024)
        /// The count of the prefix in the same slot; 0: an empty slot.
        private var counts = [Int](repeating: 0, count: 1024)
        private var slotBits = 10
        private var used = 0
        private let multiplier = UInt64.random(in: .min ... .max) | 1
        private let highMultiplier = UInt64.random(in: .min ... .max) | 1

        /// Counts one more sighting of `prefix`; returns how many there have been, this one included.
        mutating func counting(_ prefix: HashPrefix) -> Int {
            if 2 * (used + 1) > counts.count { grow() }
            var slot = self.slot(of: prefix)
            while counts[slot] != 0 {
                if prefixes[slot] == prefix {
                    counts[slot] += 1
                    return counts[slot]
                }
                slot = (slot + 1) & (counts.count - 1)
            }
            prefixes[slot] = prefix
            counts[slot] = 1
            used += 1
            return 1
        }

        private func slot(of prefix: HashPrefix) -> Int {
            Int(
                truncatingIfNeeded: ((prefix.low ^ (prefix.high &* highMultiplier)) &* multiplier)
                    >> UInt64(64 - slotBits))
        }

        private mutating func grow() {
            let old = (prefixes, counts)
            slotBits += 1
            prefixes = [HashPrefix](repeating: HashPrefix(high: 0, low: 0), count: 1 << slotBits)
            counts = [Int](repeating: 0, count: 1 << slotBits)
            for (prefix, count) in zip(old.0, old.1) where count != 0 {
                var slot = self.slot(of: prefix)
                while counts[slot] != 0 { slot = (slot + 1) & (counts.count - 1) }
                prefixes[slot] = prefix
                counts[slot] = count
            }
        }
    }

    /// The hash prefixes of the identities met lately, `slotCount` of them, direct-mapped by a fast digest of
    /// an identity's bytes and confirmed by comparing them: a lookup is a digest and a `memcmp`, where a
    /// dictionary hashed the identity with the process's seeded hasher (a thousand instructions). Identities
    /// that share a slot (hostile ones too) only push each other out: the prefix is then hashed again, never
    /// wrong, and the memory is the same whatever the input.
    struct IdentityCache {
        static let slotCount = 4096
        private var digests = [UInt64](repeating: 0, count: slotCount)
        private var identities = [[UInt8]?](repeating: nil, count: slotCount)
        private var prefixes = [HashPrefix](repeating: HashPrefix(high: 0, low: 0), count: slotCount)

        /// The prefix remembered for `identity`, or the one `make` gives, then remembered.
        mutating func prefix(of identity: [UInt8], make: () -> HashPrefix) -> HashPrefix {
            let digest = identity.withUnsafeBytes { ByteDigest.of($0, seed: 0x5851_F42D_4C95_7F2D) }
            let slot = Int(truncatingIfNeeded: digest) & (Self.slotCount - 1)
            if digests[slot] == digest, let stored = identities[slot], identity.withUnsafeBytes(stored.hasSameBytes) {
                return prefixes[slot]
            }
            let made = make()
            digests[slot] = digest
            identities[slot] = identity
            prefixes[slot] = made
            return made
        }
    }

    /// The first 128 bits of an identity's SHA-256, big-endian: the 32 hexadecimal digits a fingerprint shows.
    struct HashPrefix: Hashable, Sendable {
        var high: UInt64
        var low: UInt64
    }

    /// `HASH:N`: the prefix as 32 lowercase hexadecimal digits, a colon, the occurrence in decimal. Written
    /// straight into the string's storage, as a report may hold a million of them.
    static func text(_ prefix: HashPrefix, occurrence: Int) -> String {
        let decimal = String(occurrence).utf8
        return String(unsafeUninitializedCapacity: 33 + decimal.count) { text in
            writeHex(prefix, into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(text)[0..<32]))
            text[32] = UInt8(ascii: ":")
            _ = text[33...].initialize(from: decimal)
            return 33 + decimal.count
        }
    }

    /// The prefix as 32 lowercase hexadecimal digits into the 32 bytes of `digits`.
    static func writeHex(_ prefix: HashPrefix, into digits: UnsafeMutableRawBufferPointer) {
        LowerHex.write(prefix.high, digits: 16, into: digits, at: 0)
        LowerHex.write(prefix.low, digits: 16, into: digits, at: 16)
    }

    private mutating func redactedSource(_ source: String) -> [UInt8] {
        Self.remembered(source, in: &redactedSources) { Array(redactor.redact(source).utf8) }
    }

    static let recentPointerCount = 16

    /// `redactedSource` of a finding's source, appended to `identity`. Nearly every finding names the source
    /// the one before it named: compared by bytes, not hashed and looked up.
    private mutating func appendRedactedSource(_ source: UnsafeRawBufferPointer) {
        if let lastSourceBytes, lastSourceBytes.source.hasSameBytes(as: source) {
            identity.append(contentsOf: lastSourceBytes.redacted)
            return
        }
        let redacted = redactedSource(String(decoding: source, as: UTF8.self))
        lastSourceBytes = (Array(source), redacted)
        identity.append(contentsOf: redacted)
    }

    /// The redacted pointer of a record's pointer tokens, appended to `identity`, without making the tokens'
    /// strings unless the pointer is not one met lately.
    private mutating func appendRedactedPointer(_ tokens: Finding.RecordView.StringList) {
        if tokens.count == 0 { return }
        pointerKey.removeAll(keepingCapacity: true)
        tokens.forEach { appendToPointerKey($0) }
        appendRedactedPointerOfKey { JSONPointer(tokens: tokens.strings()) }
    }

    /// The same for a finding read as a place.
    private mutating func appendRedactedPointer(_ pointer: JSONPointer) {
        if pointer.tokens.isEmpty { return }
        pointerKey.removeAll(keepingCapacity: true)
        for token in pointer.tokens { token.withUTF8InPlace { appendToPointerKey(UnsafeRawBufferPointer($0)) } }
        appendRedactedPointerOfKey { pointer }
    }

    /// One token of `pointerKey`: its length, then its bytes.
    private mutating func appendToPointerKey(_ token: UnsafeRawBufferPointer) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: token.count).littleEndian) { pointerKey.append(contentsOf: $0) }
        pointerKey.append(contentsOf: token)
    }

    /// The redacted form of the pointer whose tokens `pointerKey` holds, appended to `identity`. The root
    /// pointer (a third of the findings point at a whole message) adds nothing, and its callers skip it; the
    /// few pointers met lately (a report's findings point at a dozen places or so) are found by comparing
    /// their tokens' bytes, which costs a fraction of hashing them for the table; `pointer` makes the pointer
    /// for the rest.
    private mutating func appendRedactedPointerOfKey(_ pointer: () -> JSONPointer) {
        if let recent = recentPointerKeys.firstIndex(where: { $0.key == pointerKey }) {
            identity.append(contentsOf: recentPointerKeys[recent].redacted)
            return
        }
        let made = pointer()
        let redacted = Self.remembered(made, in: &redactedPointers) { Array(redactor.redact(made).description.utf8) }
        if recentPointerKeys.count == Self.recentPointerCount { recentPointerKeys.removeFirst() }
        recentPointerKeys.append((pointerKey, redacted))
        identity.append(contentsOf: redacted)
    }

    /// `value` masked as `--redact` masks it: a finding's values are all among the redactor's, whose masks
    /// it finds by their bytes; any other is redacted as text, and remembered.
    private mutating func masked(_ value: String) -> String {
        if let mask = value.withUTF8InPlace({ redactor.mask(ofSensitiveValue: UnsafeRawBufferPointer($0)) }) {
            return mask
        }
        return Self.remembered(value, in: &maskedValues) { redactor.redact(value) }
    }

    /// `forms[key]`, made and kept when missing; past `rememberedForms` entries, the kept ones are forgotten.
    private static func remembered<Key: Hashable, Form>(_ key: Key, in forms: inout [Key: Form], make: () -> Form)
        -> Form
    {
        if let known = forms[key] { return known }
        if forms.count >= rememberedForms { forms.removeAll(keepingCapacity: true) }
        let form = make()
        forms[key] = form
        return form
    }
}
