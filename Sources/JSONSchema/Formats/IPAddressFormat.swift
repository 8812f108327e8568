/// RFC 2673 dotted-quad IPv4 (no leading zeros) and RFC 4291 IPv6 text (with `::` and a trailing IPv4
/// part; no zone identifier).
enum IPAddressFormat {
    static func isIPv4(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(isDigit),
                part.count == 1 || part.first != UInt8(ascii: "0"),
                let value = digitsValue(part, part.startIndex, part.count), value <= 255
            else { return false }
        }
        return true
    }

    static func isIPv6(_ bytes: ArraySlice<UInt8>) -> Bool {
        let colon = UInt8(ascii: ":")
        var text = bytes
        var ipv4Units = 0
        if let lastColon = text.lastIndex(of: colon), text[(lastColon + 1)...].contains(UInt8(ascii: ".")) {
            guard isIPv4(text[(lastColon + 1)...]) else { return false }
            ipv4Units = 2
            text = text[...lastColon]
            // Keep a "::" before the IPv4 part; drop a lone separating ":".
            if !(text.count >= 2 && text[text.endIndex - 2] == colon) { text = text.dropLast() }
        }
        func groups(_ part: ArraySlice<UInt8>) -> Int? {
            if part.isEmpty { return 0 }
            var count = 0
            for group in part.split(separator: colon, omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), group.allSatisfy(isHexDigit) else { return nil }
                count += 1
            }
            return count
        }
        var i = text.startIndex
        var doubleColon: Int?
        while i + 1 < text.endIndex {
            if text[i] == colon && text[i + 1] == colon {
                guard doubleColon == nil else { return false }
                doubleColon = i
                i += 2
            } else {
                i += 1
            }
        }
        if let at = doubleColon {
            guard let left = groups(text[..<at]), let right = groups(text[(at + 2)...]) else { return false }
            return left + right + ipv4Units <= 7
        }
        guard let count = groups(text) else { return false }
        return count + ipv4Units == 8
    }
}
