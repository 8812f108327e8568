import AuditModel
import Bytes
import JSONCore

/// `--redact`: masks every personal value and user code name that a finding lists in `sensitiveValues`,
/// wherever it appears in the report (finding messages, message payloads and their keys, pointers, sources,
/// correlators, even rule help), so that sharing the audit does not spread the leak.
///
/// Masks keep the kind of value recognisable, since the reader still has to understand the finding:
/// `alice@uni.edu` becomes `a***@u***.edu`, `acme_genomics.cluster.AcmeProvider` becomes
/// `acme_***.***Provider`, `192.168.4.7` becomes `192.168.***.***`, `/home/alice/run` becomes `/home/***`.
/// Every writer renders the redacted copy of the report, so no format can forget a field.
public struct Redactor: Sendable {
    /// The sensitive values as a trie over their UTF-8 bytes, so one pass finds the longest value starting at
    /// each position (`alice@uni.edu` before `uni.edu`) in time independent of how many values there are,
    /// and never rescans an inserted mask.
    private let trie: ByteTrie
    /// The same values by their exact bytes, for fingerprints (`mask(ofSensitiveValue:)`).
    private let exact: ExactValues
    /// Each value and its mask, for callers that show the mapping.
    public let masks: [String: String]

    /// Masks the sensitive values of every finding in the report; each according to the rule that reported
    /// it (the first finding to list a value decides). Takes them from what the findings' list counted as
    /// it was built, without reading the findings; what it keeps grows with the number of distinct values,
    /// not of findings.
    public init(report: AuditReport) { self.init(tally: report.findings.tally) }

    /// From the sensitive values a list of findings counted as it was built (each named once, with the rule
    /// that first named it: the masks reading every finding would give).
    init(tally: AuditListTally) {
        self.init(values: tally.sensitiveValues.lazy.map { (value: $0.value, rule: Optional($0.rule)) })
    }

    /// `values` pairs each sensitive value with the rule that reported it (which tells its kind).
    public init(values: [(value: String, rule: String?)]) { self.init(values: values[...]) }

    /// `values` pairs each sensitive value with the rule that reported it (which tells its kind).
    public init(values: some Sequence<(value: String, rule: String?)>) {
        var masks: [String: String] = [:]
        // In the order first named, each with its first mask (a report may name thousands: the table is
        // looked up once a value, to keep the first naming).
        var named: [(value: String, mask: String)] = []
        for (value, rule) in values where !value.isEmpty && masks[value] == nil {
            let mask = Self.mask(value, rule: rule)
            masks[value] = mask
            named.append((value, mask))
        }
        var trie = ByteTrie()
        for (value, mask) in named { trie.insert(value, mask: mask) }
        // A mask keeps parts of its value (a prefix, a class-name suffix, a domain). When such a part is
        // itself a sensitive value, the stricter generic mask is used instead, so no value survives inside
        // another value's mask.
        var exact = ExactValues(named.lazy.map(\.value))
        for (index, (value, first)) in named.enumerated() {
            guard trie.contains(in: first) else {
                exact.setMask(first, at: index)
                continue
            }
            let generic = Self.genericMask(value)
            let mask = trie.contains(in: generic) ? "***" : generic
            masks[value] = mask
            trie.insert(value, mask: mask)
            exact.setMask(mask, at: index)
        }
        self.trie = trie
        self.exact = exact
        self.masks = masks
    }

    /// Whether there is anything to mask.
    public var isEmpty: Bool { masks.isEmpty }

    /// The mask of `value` when it is one of the sensitive values, found by its bytes: what `redact` makes of
    /// it (the value itself is the longest match at its start, and nothing is left after it). Fingerprints
    /// mask every finding's values, which are all in the set: a walk down the trie, where a table of masks
    /// by `String` made a string of the bytes and hashed it. `nil` for any other text.
    func mask(ofSensitiveValue value: UnsafeRawBufferPointer) -> String? { exact.mask(of: value) }

    /// `text` with every occurrence of a sensitive value replaced by its mask. Text without a match (nearly
    /// all of it) is returned as it is, without copying. Matching runs on UTF-8 bytes: UTF-8 is
    /// self-synchronising, so a value can only match at a scalar boundary, exactly as on scalars.
    public func redact(_ text: String) -> String { redactedIfMatching(text) ?? text }

    /// The redacted text, or `nil` when nothing in it matches, so callers can keep what they have.
    func redactedIfMatching(_ text: String) -> String? {
        guard !isEmpty else { return nil }
        return text.withUTF8InPlace { bytes in
            var out: [UInt8]?
            var copied = 0
            var position = 0
            while position < bytes.count {
                guard trie.mayStart(with: bytes[position]),
                    let (length, mask) = trie.longestMatch(in: bytes, at: position)
                else {
                    position += 1
                    continue
                }
                if out == nil { out = [] }
                out!.append(contentsOf: bytes[copied..<position])
                out!.append(contentsOf: mask.utf8)
                position += length
                copied = position
            }
            guard var result = out else { return nil }
            result.append(contentsOf: bytes[copied...])
            return String(decoding: result, as: UTF8.self)
        }
    }

    /// A JSON value with every string and every object key redacted.
    public func redact(_ value: JSONValue) -> JSONValue { redactedIfMatching(value) ?? value }

    /// The redacted value, or `nil` when nothing in it matches: untouched subtrees are shared, not rebuilt.
    func redactedIfMatching(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .string(let s):
            return redactedIfMatching(s).map(JSONValue.string)
        case .array(let elements):
            var copy: [JSONValue]?
            for (index, element) in elements.enumerated() {
                guard let redacted = redactedIfMatching(element) else { continue }
                if copy == nil { copy = elements }
                copy![index] = redacted
            }
            return copy.map(JSONValue.array)
        case .object(let object):
            var changed = false
            let members = object.map { key, member in
                let newKey = redactedIfMatching(key)
                let newMember = redactedIfMatching(member)
                if newKey != nil || newMember != nil { changed = true }
                return (newKey ?? key, newMember ?? member)
            }
            return changed ? .object(JSONObject(members)) : nil
        default:
            return nil
        }
    }

    public func redact(_ pointer: JSONPointer) -> JSONPointer {
        JSONPointer(tokens: pointer.tokens.map(redact))
    }

    /// The report with every sensitive value masked in every string it holds; `sensitiveValues` then hold
    /// the masks. Order and counts are unchanged, so the i-th finding is still the i-th finding. Messages
    /// and findings are masked as they are read, so a spooled report stays on disk.
    public func redacted(_ report: AuditReport) -> AuditReport {
        var copy = report
        // Sender addresses are masked whether or not a finding listed a value: they name the machines.
        copy.hosts = report.hosts.map { host in
            var host = host
            host.address = Self.addressMask(host.address)
            return host
        }
        guard !isEmpty else {
            copy.messages = report.messages.mapElements { message in
                var message = message
                Self.maskNetwork(of: &message)
                return message
            }
            copy.findings = report.findings.mapElements { finding in
                var finding = finding
                finding.network = finding.network.map(Self.masked)
                return finding
            }
            return copy
        }
        copy.inputs = report.inputs.map { input in
            var input = input
            input.source = redact(input.source)
            input.readError = input.readError.map(redact)
            return input
        }
        copy.messages = report.messages.mapElements { message in
            var message = message
            message.source = redact(message.source)
            message.correlator = message.correlator.map(redact)
            message.generation = message.generation.map(redact)
            message.payload = message.payload.map(redact)
            message.laterObservations = message.laterObservations.map { observation in
                var observation = observation
                observation.source = redact(observation.source)
                return observation
            }
            Self.maskNetwork(of: &message)
            return message
        }
        copy.findings = report.findings.mapElements { finding in
            var finding = finding
            finding.source = redact(finding.source)
            finding.correlator = finding.correlator.map(redact)
            finding.pointer = redact(finding.pointer)
            finding.message = redact(finding.message)
            finding.sensitiveValues = finding.sensitiveValues.map(redact)
            finding.network = finding.network.map(Self.masked)
            return finding
        }
        // Rule help may quote an example that happens to be the user's own value; "wherever it appears"
        // includes the catalogue.
        copy.rules = report.rules.map { rule in
            RuleDescriptor(
                id: rule.id, defaultSeverity: rule.defaultSeverity, summary: redact(rule.summary),
                help: redact(rule.help), levels: rule.levels, generations: rule.generations,
                example: redact(rule.example), fix: redact(rule.fix))
        }
        return copy
    }
}

// MARK: - Masks by kind of value

extension Redactor {
    /// A sender or receiver address masked as any IP address in a report is: `10.20.***.***`.
    public static func addressMask(_ address: String) -> String {
        ipv4Mask(address) ?? ipv6Mask(address) ?? genericMask(address)
    }

    /// `10.20.0.13:41003` -> `10.20.***.***:41003`, `[2001:db8::7]:5000` -> `[2001:db8:***]:5000`.
    static func endpointMask(_ endpoint: String) -> String {
        let address = NetworkEvidence.address(of: endpoint)
        let port = endpoint.hasSuffix("]") || !endpoint.contains(":") ? nil : endpoint.split(separator: ":").last
        let masked = addressMask(address)
        guard let port, let number = Int(port) else { return masked }
        return NetworkEvidence.endpoint(address: masked, port: number)
    }

    static func masked(_ network: NetworkEvidence) -> NetworkEvidence {
        var network = network
        network.from = endpointMask(network.from)
        network.to = network.to.map(endpointMask)
        return network
    }

    static func maskNetwork(of message: inout AuditedMessage) {
        message.network = message.network.map(masked)
        for i in message.laterObservations.indices {
            message.laterObservations[i].network = message.laterObservations[i].network.map(masked)
        }
    }

    /// The mask of one value. The rule that reported it says what it is when the value alone cannot (a
    /// lowercase dotted module path looks like a host name); otherwise the shape decides.
    public static func mask(_ value: String, rule: String?) -> String {
        let mask: String
        if rule == "privacy.user-code-identifier" {
            mask = codeNameMask(value)
        } else if let email = emailMask(value) {
            mask = email
        } else if let ip = ipv4Mask(value) ?? ipv6Mask(value) {
            mask = ip
        } else if let uuid = uuidMask(value) {
            mask = uuid
        } else if let path = pathMask(value) {
            mask = path
        } else if looksLikeCodeName(value) {
            mask = codeNameMask(value)
        } else if let host = hostMask(value) {
            mask = host
        } else {
            mask = genericMask(value)
        }
        return contains(mask, value) ? "***" : mask
    }

    // Masks are worked out for every distinct sensitive value of a report, which for a collector's capture
    // of many machines is thousands of host names and paths: each shape test below first rejects, on the
    // UTF-8 bytes, the values it cannot fit (a test on `Character`s costs a hundred times more per byte),
    // and decides on the `Character`s only what is left, so every mask is what it was.

    /// `text.contains(part)`, by bytes when both are ASCII (where bytes and characters are one).
    private static func contains(_ text: String, _ part: String) -> Bool {
        let byBytes = text.withUTF8InPlace { text in
            part.withUTF8InPlace { part -> Bool? in
                guard !part.isEmpty, StringBytes.isASCII(text), StringBytes.isASCII(part) else { return nil }
                guard part.count <= text.count else { return false }
                return (0...(text.count - part.count)).contains { start in
                    StringBytes.hasPrefix(UnsafeBufferPointer(rebasing: text[start...]), part)
                }
            }
        }
        return byBytes ?? text.contains(part)
    }

    /// Whether `value`'s UTF-8 holds `byte`: a `Character` equal to an ASCII one needs it.
    private static func holds(_ value: String, _ byte: UInt8) -> Bool { value.utf8.contains(byte) }

    /// `a***` or, for longer values such as the hashed user names of old clients, `3c***`.
    static func genericMask(_ value: String) -> String {
        // ASCII (a hashed name, nearly every value this mask gets): scalars are bytes.
        let ascii = value.withUTF8InPlace { bytes -> String? in
            guard !bytes.isEmpty, StringBytes.isASCII(bytes) else { return nil }
            let keep = bytes.count >= 8 ? 2 : 1
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[..<keep]), as: UTF8.self) + "***"
        }
        if let ascii { return ascii }
        let keep = value.unicodeScalars.count >= 8 ? 2 : 1
        return String(String.UnicodeScalarView(value.unicodeScalars.prefix(keep))) + "***"
    }

    /// `alice@uni.edu` -> `a***@u***.edu`: the kind and the top-level domain stay, the person and the
    /// institution go.
    static func emailMask(_ value: String) -> String? {
        guard holds(value, UInt8(ascii: "@")) else { return nil }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts[0].first, !parts[0].contains(where: \.isWhitespace) else {
            return nil
        }
        let domain = parts[1]
        guard let first = domain.first, let dot = domain.lastIndex(of: "."), dot != domain.startIndex,
            domain.index(after: dot) != domain.endIndex, !domain.contains(where: \.isWhitespace)
        else { return nil }
        return "\(local)***@\(first)***.\(domain[domain.index(after: dot)...])"
    }

    /// `192.168.4.7` -> `192.168.***.***`.
    static func ipv4Mask(_ value: String) -> String? {
        guard AddressShapes.isDottedQuad(value) else { return nil }
        let octets = value.split(separator: ".", omittingEmptySubsequences: false)
        return "\(octets[0]).\(octets[1]).***.***"
    }

    /// `2001:db8:85a3::8a2e:370:7334` -> `2001:db8:***`.
    static func ipv6Mask(_ value: String) -> String? {
        // Only ASCII passes the byte test, so the colons are then counted and found by bytes.
        guard value.utf8.allSatisfy({ AddressShapes.isHexDigit($0) || $0 == 0x3A || $0 == 0x2E || $0 == 0x25 }),
            value.utf8.count(where: { $0 == 0x3A }) >= 2
        else { return nil }
        let groups = value.split(separator: ":", omittingEmptySubsequences: true)
        return groups.prefix(2).joined(separator: ":") + ":***"
    }

    /// A UUID keeps only its version digit: `********-****-1***-****-************` still says "version 1",
    /// which is the finding, while the MAC address and time a version-1 UUID embeds are gone.
    static func uuidMask(_ value: String) -> String? {
        // Five groups of ASCII hex digits, 32 in all, and four hyphens.
        guard value.utf8.count == 36 else { return nil }
        let groups = value.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12],
            groups.allSatisfy({ $0.utf8.allSatisfy(AddressShapes.isHexDigit) })
        else { return nil }
        return "********-****-\(groups[2].prefix(1))***-****-************"
    }

    /// `/home/alice/x` -> `/home/***`, `C:\Users\bob\x` -> `C:\Users\***`, `~alice/x` -> `~***`: the
    /// conventional top directory says what kind of path it is; the user's part goes.
    static func pathMask(_ value: String) -> String? {
        // A path starts with `~`, `/` or `\\`, or a drive (`C:`): any other ASCII first byte without a
        // colon after it is no path, decided before the scalars are made.
        let utf8 = value.utf8
        if let first = utf8.first, first < 0x80, first != UInt8(ascii: "~"), first != UInt8(ascii: "/"),
            first != UInt8(ascii: "\\"), utf8.dropFirst().first != UInt8(ascii: ":")
        {
            return nil
        }
        if value.hasPrefix("~") { return "~***" }
        let scalars = Array(value.unicodeScalars)
        if scalars.count >= 3, scalars[0].properties.isAlphabetic, scalars[1] == ":",
            scalars[2] == "\\" || scalars[2] == "/"
        {
            let separator = Character(scalars[2])
            let components = value.dropFirst(3).split(separator: separator, omittingEmptySubsequences: true)
            let drive = String(value.prefix(3))
            guard let top = components.first, components.count > 1 else { return drive + "***" }
            return drive + top + String(separator) + "***"
        }
        if value.hasPrefix("\\\\") { return "\\\\***" }
        guard value.hasPrefix("/") else { return nil }
        let components = value.split(separator: "/", omittingEmptySubsequences: true)
        guard let top = components.first, components.count > 1 else { return "/***" }
        return "/\(top)/***"
    }

    /// Dotted names with an upper-case letter or an underscore are module and class names; host names are
    /// lower-case letters, digits and hyphens.
    static func looksLikeCodeName(_ value: String) -> Bool {
        holds(value, UInt8(ascii: ".")) && value.contains(".") && !value.contains(where: \.isWhitespace)
            && value.contains(where: { $0.isUppercase || $0 == "_" })
    }

    /// `acme_genomics.cluster.AcmeProvider` -> `acme_***.***Provider`: a short prefix of the top module and
    /// the last word of the class name, which usually says what kind of component it is (`Provider`,
    /// `Launcher`, `Executor`) without naming the lab.
    static func codeNameMask(_ value: String) -> String {
        let components = value.split(separator: ".", omittingEmptySubsequences: false)
        let top = components.first.map(String.init) ?? ""
        let className = components.count > 1 ? String(components.last!) : ""
        let prefixLength = min(5, max(1, top.unicodeScalars.count / 2))
        let prefix = String(String.UnicodeScalarView(top.unicodeScalars.prefix(prefixLength)))
        let words = camelCaseWords(className)
        let suffix = words.count >= 2 ? words.last! : ""
        return components.count > 1 ? "\(prefix)***.***\(suffix)" : "\(prefix)***"
    }

    /// `AcmeHTTPProvider` -> `["Acme", "HTTP", "Provider"]`.
    static func camelCaseWords(_ name: String) -> [String] {
        var words: [String] = []
        var current = ""
        let characters = Array(name)
        for (index, character) in characters.enumerated() {
            let startsWord =
                character.isUppercase && !current.isEmpty
                && (!characters[index - 1].isUppercase
                    || (index + 1 < characters.count && characters[index + 1].isLowercase))
            if startsWord || character == "_" {
                if !current.isEmpty { words.append(current) }
                current = character == "_" ? "" : String(character)
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// `node17.cluster.example.org` -> `n***.example.org`; `uni.edu` -> `u***.edu`.
    static func hostMask(_ value: String) -> String? {
        guard holds(value, UInt8(ascii: ".")) else { return nil }
        let labels = value.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2,
            // A label holds no dot, so the host-name bytes left are letters, digits and hyphens.
            labels.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(AddressShapes.isHostNameByte) }),
            let last = labels.last, last.utf8.allSatisfy(AddressShapes.isLetter), let first = labels[0].first
        else { return nil }
        let kept = labels.count >= 3 ? labels.suffix(2).joined(separator: ".") : String(last)
        return "\(first)***.\(kept)"
    }
}

/// A trie of strings over their UTF-8 bytes, each terminal node carrying its replacement.
///
/// Flat: the root's children in a table by byte, every other node's in a list through `firstChild` and
/// `nextSibling` (a node below the root has one child or a few), each node knowing its byte. A table of
/// children per node (a `Dictionary` each) cost an allocation per byte inserted and a hashed lookup per byte
/// matched: about 8,000 instructions to insert a value, for every distinct sensitive value of a report.
private struct ByteTrie: Sendable {
    /// The node of each first byte (0: none; node 0 is the root, never a child).
    private var rootChildren = [Int32](repeating: 0, count: 256)
    private var byte: [UInt8] = [0]
    private var firstChild: [Int32] = [0]
    private var nextSibling: [Int32] = [0]
    private var replacement: [String?] = [nil]

    /// Whether a stored value starts with `byte`: most positions of most texts are rejected by this.
    func mayStart(with byte: UInt8) -> Bool { rootChildren[Int(byte)] != 0 }

    /// The child of `node` for `next`, if there is one.
    private func child(of node: Int, _ next: UInt8) -> Int? {
        if node == 0 {
            let found = rootChildren[Int(next)]
            return found == 0 ? nil : Int(found)
        }
        var candidate = Int(firstChild[node])
        while candidate != 0 {
            if byte[candidate] == next { return candidate }
            candidate = Int(nextSibling[candidate])
        }
        return nil
    }

    mutating func insert(_ value: String, mask: String) {
        guard !value.isEmpty else { return }
        var node = 0
        for next in value.utf8 {
            if let found = child(of: node, next) {
                node = found
                continue
            }
            let made = Int32(byte.count)
            byte.append(next)
            firstChild.append(0)
            replacement.append(nil)
            if node == 0 {
                nextSibling.append(0)
                rootChildren[Int(next)] = made
            } else {
                nextSibling.append(firstChild[node])
                firstChild[node] = made
            }
            node = Int(made)
        }
        replacement[node] = mask
    }

    /// The longest stored value starting at `start`: its length in bytes and its replacement.
    func longestMatch(in text: UnsafeBufferPointer<UInt8>, at start: Int) -> (Int, String)? {
        var node = 0
        var best: (Int, String)?
        var position = start
        while position < text.count, let next = child(of: node, text[position]) {
            node = next
            position += 1
            if let mask = replacement[node] { best = (position - start, mask) }
        }
        return best
    }

    /// Whether `text` holds a stored value anywhere.
    func contains(in text: String) -> Bool {
        text.withUTF8InPlace { bytes in
            bytes.indices.contains { mayStart(with: bytes[$0]) && longestMatch(in: bytes, at: $0) != nil }
        }
    }
}

/// Distinct strings by their exact bytes, each with a mask: the sensitive values of a report, for the
/// fingerprint of every finding that names one. A trie finds the longest value in a text; finding a whole
/// value by its bytes is a hash and one comparison here, where walking the trie's sibling lists cost about
/// 700 instructions a hashed user name.
///
/// Open addressing with linear probing, at most half full, over `ByteDigest` with a seed drawn for each
/// table: values cannot be chosen to collide without knowing it. Made once, from distinct values.
private struct ExactValues: Sendable {
    /// The values' bytes one after another; value `i` ends at `ends[i]`.
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var masks: [String] = []
    /// Each slot: a value's index, or -1.
    private var slots: [Int32]
    private let seed = UInt64.random(in: .min ... .max)

    /// The table of `values`, which are distinct, each with the mask "" until `setMask` gives it one.
    init(_ values: some Collection<String>) {
        var size = 16
        while size < 2 * values.count { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        ends.reserveCapacity(values.count)
        masks = [String](repeating: "", count: values.count)
        for value in values {
            value.withUTF8InPlace { value in
                let index = ends.count
                bytes.append(contentsOf: value)
                ends.append(bytes.count)
                var slot = self.slot(of: UnsafeRawBufferPointer(value))
                while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
                slots[slot] = Int32(index)
            }
        }
    }

    private func slot(of value: UnsafeRawBufferPointer) -> Int {
        Int(truncatingIfNeeded: ByteDigest.of(value, seed: seed)) & (slots.count - 1)
    }

    mutating func setMask(_ mask: String, at index: Int) { masks[index] = mask }

    /// The mask of the value whose bytes are `value`, if it is one.
    func mask(of value: UnsafeRawBufferPointer) -> String? {
        var slot = slot(of: value)
        return bytes.withUnsafeBytes { stored in
            while true {
                let index = Int(slots[slot])
                if index < 0 { return nil }
                let start = index == 0 ? 0 : ends[index - 1]
                if ends[index] - start == value.count
                    && (value.isEmpty
                        || Bytewise.equal(stored.baseAddress! + start, value.baseAddress!, count: value.count))
                {
                    return masks[index]
                }
                slot = (slot + 1) & (slots.count - 1)
            }
        }
    }
}
