import AuditModel
import Bytes
import JSONCore

// `inet_pton(3)`, the system's own reading of IPv6 text.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds personal data in a string: e-mail addresses, IPv4 and IPv6 addresses, home or user paths (Linux,
/// macOS, Windows) and fully qualified host names. Each detector scans bytes linearly; no regex, no
/// backtracking, so a hostile string costs time proportional to its length.
public enum PersonalDataDetector {
    /// The detectors read the string's own UTF-8 storage, never a copy.
    typealias Bytes = UnsafeBufferPointer<UInt8>

    public enum Kind: String, Sendable, Hashable {
        case email = "an e-mail address"
        case ipv4 = "an IPv4 address"
        case ipv6 = "an IPv6 address"
        case homePath = "a home or user path"
        case hostName = "a fully qualified host name"
    }

    public struct Match: Sendable, Hashable {
        public var kind: Kind
        public var text: String
    }

    /// Every match in `text`. `checkHostNames: false` skips the host-name detector (for dotted code names).
    /// Every detector needs one of `@ . : / \`: a string with none costs one pass over its bytes.
    /// `memo` is this thread's `StringVerdictMemo` (a caller scanning many strings looks it up once).
    public static func matches(
        in text: String, checkHostNames: Bool = true, memo: StringVerdictMemo = .forThisThread()
    ) -> [Match] {
        text.withUTF8InPlace { matches(inBytes: $0, checkHostNames: checkHostNames, memo: memo) }
    }

    /// Strings found clean by the detectors (`StringVerdictMemo`), with and without the host-name one.
    private static let cleanTopic = StringVerdictMemo.Topic()
    private static let cleanOfAllButHostNamesTopic = StringVerdictMemo.Topic()

    /// The same for a string's UTF-8 bytes (a `String`'s, or a tape's: `JSONTape.stringBytes(at:)`).
    static func matches(inBytes bytes: Bytes, checkHostNames: Bool, memo: StringVerdictMemo) -> [Match] {
        // One pass tells which detectors can match at all; most strings need none of them. A table gives
        // each byte's class bits, or-ed together: no branch per byte.
        var classes: UInt8 = 0
        byteClasses.withUnsafeBufferPointer { table in
            for byte in bytes { classes |= table[Int(byte)] }
        }
        let hasAt = classes & ByteClass.at != 0, hasDot = classes & ByteClass.dot != 0
        let hasColon = classes & ByteClass.colon != 0, hasSlash = classes & ByteClass.slash != 0
        let hasDigit = classes & ByteClass.digit != 0
        guard hasAt || hasDot || hasColon || hasSlash else { return [] }
        // The strings that get this far (versions, component names) come back message after message, and
        // nearly all are clean: the thread remembers them.
        let topic = checkHostNames ? cleanTopic : cleanOfAllButHostNamesTopic
        if memo.verdict(topic, on: bytes) == true { return [] }
        var found: [Match] = []
        if hasAt { found += emails(bytes) }
        if hasSlash { found += homePaths(bytes) }
        if hasDot && hasDigit { found += ipv4(bytes) }
        if hasColon { found += ipv6(bytes) }
        if checkHostNames && hasDot {
            let emailDomains = Set(
                found.filter { $0.kind == .email }.compactMap { $0.text.split(separator: "@").last.map(String.init) })
            found += hostNames(bytes).filter { !emailDomains.contains($0.text) }
        }
        if found.isEmpty { memo.remember(true, topic, on: bytes) }
        return found
    }

    // MARK: Character classes

    private enum ByteClass {
        static let at: UInt8 = 1
        static let dot: UInt8 = 2
        static let colon: UInt8 = 4
        static let slash: UInt8 = 8
        static let digit: UInt8 = 16
    }

    /// The prefilter's class bits of every byte value.
    private static let byteClasses: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case 0x40: ByteClass.at
        case 0x2E: ByteClass.dot
        case 0x3A: ByteClass.colon
        case 0x2F, 0x5C: ByteClass.slash
        case 0x30...0x39: ByteClass.digit
        default: 0
        }
    }

    // The byte classes within an address are `AddressShapes`', which `--redact` masks by as well.

    // MARK: E-mail

    static func emails(_ bytes: Bytes) -> [Match] {
        var result: [Match] = []
        for (at, byte) in bytes.enumerated() where byte == 0x40 {
            var start = at
            while start > 0, AddressShapes.isEmailLocalPartByte(bytes[start - 1]) { start -= 1 }
            var end = at + 1
            while end < bytes.count, AddressShapes.isHostNameByte(bytes[end]) { end += 1 }
            while end > at + 1, bytes[end - 1] == 0x2E || bytes[end - 1] == 0x2D { end -= 1 }
            guard start < at, end > at + 1 else { continue }
            // The domain needs two non-empty labels and an alphabetic top-level label of two letters or more.
            let domain = bytes[(at + 1)..<end]
            guard let lastDot = domain.lastIndex(of: 0x2E), end - lastDot - 1 >= 2,
                domain[(lastDot + 1)...].allSatisfy(AddressShapes.isLetter), domain.first != 0x2E,
                !zip(domain, domain.dropFirst()).contains(where: { $0 == 0x2E && $1 == 0x2E })
            else { continue }
            result.append(Match(kind: .email, text: String(decoding: bytes[start..<end], as: UTF8.self)))
        }
        return result
    }

    // MARK: Paths

    /// Prefixes of home and user directories: Linux, macOS, Solaris-style, Windows (both slashes).
    static let homePrefixes: [[UInt8]] = ["/home/", "/Users/", "/export/home/", "/usr/home/", "/var/home/"].map {
        Array($0.utf8)
    }

    static func homePaths(_ bytes: Bytes) -> [Match] {
        var result: [Match] = []
        var i = 0
        while i < bytes.count {
            // Every home prefix starts with a slash or backslash, or a drive letter before one.
            let byte = bytes[i]
            guard byte == 0x2F || byte == 0x5C || (i + 1 < bytes.count && bytes[i + 1] == 0x3A) else {
                i += 1
                continue
            }
            var prefixLength = 0
            for prefix in homePrefixes where bytes[i...].starts(with: prefix) {
                prefixLength = prefix.count
                break
            }
            if prefixLength == 0, let windows = windowsUsersPrefix(bytes, at: i) { prefixLength = windows }
            if prefixLength > 0 {
                var end = i + prefixLength
                while end < bytes.count, !isPathTerminator(bytes[end]) { end += 1 }
                if end > i + prefixLength {
                    result.append(Match(kind: .homePath, text: String(decoding: bytes[i..<end], as: UTF8.self)))
                    i = end
                    continue
                }
            }
            i += 1
        }
        return result
    }

    /// `C:\Users\` or `C:/Users/` (any drive letter, any case), or `\\?\`-less `\Users\`.
    static func windowsUsersPrefix(_ bytes: Bytes, at i: Int) -> Int? {
        var k = i
        if k + 1 < bytes.count, AddressShapes.isLetter(bytes[k]), bytes[k + 1] == 0x3A { k += 2 }
        guard k < bytes.count, bytes[k] == 0x5C || bytes[k] == 0x2F else { return nil }
        let separator = bytes[k]
        let word = Array("users".utf8)
        guard k + 1 + word.count < bytes.count else { return nil }
        for (n, letter) in word.enumerated() where bytes[k + 1 + n] | 0x20 != letter { return nil }
        guard bytes[k + 1 + word.count] == separator, k > i || separator == 0x5C else { return nil }
        return k + 2 + word.count - i
    }

    static func isPathTerminator(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x22 || b == 0x27 || b == 0x2C || b == 0x3B || b == 0x0A || b == 0x09 || b == 0x29
            || b == 0x5D
    }

    // MARK: IP addresses

    /// Dotted quads standing on their own (not inside a longer run of digits and dots), except the
    /// unspecified `0.0.0.0` and loopback `127.x.x.x`, which name no one.
    static func ipv4(_ bytes: Bytes) -> [Match] {
        var result: [Match] = []
        var i = 0
        while i < bytes.count {
            guard AddressShapes.isDigit(bytes[i]),
                i == 0 || !(AddressShapes.isDigit(bytes[i - 1]) || bytes[i - 1] == 0x2E)
            else {
                i += 1
                continue
            }
            if let (address, end) = AddressShapes.dottedQuad(in: bytes, at: i),
                end == bytes.count
                    || !(AddressShapes.isDigit(bytes[end])
                        || (bytes[end] == 0x2E && end + 1 < bytes.count && AddressShapes.isDigit(bytes[end + 1]))),
                address != 0, address >> 24 != 127
            {
                result.append(Match(kind: .ipv4, text: String(decoding: bytes[i..<end], as: UTF8.self)))
                i = end
            } else {
                i += 1
            }
        }
        return result
    }

    static func ipv6(_ bytes: Bytes) -> [Match] {
        var result: [Match] = []
        var i = 0
        while i < bytes.count {
            guard AddressShapes.isHexDigit(bytes[i]) || bytes[i] == 0x3A else {
                i += 1
                continue
            }
            var end = i
            var colons = 0
            while end < bytes.count, AddressShapes.isHexDigit(bytes[end]) || bytes[end] == 0x3A || bytes[end] == 0x2E {
                if bytes[end] == 0x3A { colons += 1 }
                end += 1
            }
            if colons >= 2, end - i <= 45 {
                let candidate = String(decoding: bytes[i..<end], as: UTF8.self)
                var address = in6_addr()
                if candidate != "::", candidate != "::1", inet_pton(AF_INET6, candidate, &address) == 1 {
                    result.append(Match(kind: .ipv6, text: candidate))
                }
            }
            i = end + 1
        }
        return result
    }

    // MARK: Host names

    /// Top-level domains common enough in research computing that two labels suffice (`login.example.edu`
    /// needs three for any other two-letter country domain, so that `setup.py` is not a host).
    static let genericTopLevelDomains: Set<String> = [
        "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "ai", "dev", "app", "cloud",
        "local", "lan", "internal", "corp", "home", "science", "tech", "xyz", "online", "site",
    ]
    /// Two-letter endings too common in file names to count even with three labels.
    static let fileExtensionLike: Set<String> = ["py", "sh", "pl", "md", "rs", "so", "gz", "js", "ts", "cc", "mk"]

    static func hostNames(_ bytes: Bytes) -> [Match] {
        var result: [Match] = []
        var i = 0
        while i < bytes.count {
            guard AddressShapes.isLetter(bytes[i]) || AddressShapes.isDigit(bytes[i]),
                i == 0 || !(AddressShapes.isHostNameByte(bytes[i - 1]) || bytes[i - 1] == 0x5F || bytes[i - 1] == 0x40)
            else {
                i += 1
                continue
            }
            var end = i
            while end < bytes.count, AddressShapes.isHostNameByte(bytes[end]) { end += 1 }
            let touchesWord = end < bytes.count && (bytes[end] == 0x5F || bytes[end] == 0x40 || bytes[end] == 0x2F)
            var trimmed = end
            while trimmed > i, bytes[trimmed - 1] == 0x2E || bytes[trimmed - 1] == 0x2D { trimmed -= 1 }
            if !touchesWord, let match = hostName(bytes[i..<trimmed]) { result.append(match) }
            i = max(end, i + 1)
        }
        return result
    }

    private static func hostName(_ token: Slice<Bytes>) -> Match? {
        // The top-level label decides most cases (version numbers end in digits): look at it first, then
        // at capitals (code names such as parsl.config.Config carry them; host names rarely do), and only
        // then at the labels one by one. Nothing is allocated before a token passes all of these.
        guard let lastDot = token.lastIndex(of: 0x2E), lastDot + 1 < token.endIndex,
            token[(lastDot + 1)...].allSatisfy(AddressShapes.isLetter),
            !token.contains(where: { $0 >= 0x41 && $0 <= 0x5A })
        else { return nil }
        var labels = 0
        var labelStart = token.startIndex
        for index in token.indices where token[index] == 0x2E || index == token.endIndex - 1 {
            let labelEnd = token[index] == 0x2E ? index : index + 1
            let length = labelEnd - labelStart
            guard length > 0, length <= 63, token[labelStart] != 0x2D, token[labelEnd - 1] != 0x2D else { return nil }
            labels += 1
            labelStart = index + 1
        }
        guard labels >= 2 else { return nil }
        let tldLength = token.endIndex - lastDot - 1
        let accepted: Bool
        if tldLength == 2 {
            let tld = String(decoding: token[(lastDot + 1)...], as: UTF8.self)
            accepted = genericTopLevelDomains.contains(tld) || (labels >= 3 && !fileExtensionLike.contains(tld))
        } else {
            accepted =
                tldLength <= longestGenericDomain
                && genericTopLevelDomains.contains(String(decoding: token[(lastDot + 1)...], as: UTF8.self))
        }
        return accepted ? Match(kind: .hostName, text: String(decoding: token, as: UTF8.self)) : nil
    }

    private static let longestGenericDomain = genericTopLevelDomains.map(\.count).max() ?? 0
}
