/// RFC 5321 mailbox addresses (`email`) and their RFC 6531 internationalised form (`idn-email`): a
/// dot-atom or quoted-string local part, `@`, and a host name or an address literal (`[192.0.2.1]`,
/// `[IPv6:...]`).
enum EmailFormat {
    private static let atomSpecials = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    static func isEmail(_ text: String, international: Bool) -> Bool {
        guard let at = text.utf8.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let local = text.utf8[..<at]
        let domain = text.utf8[text.utf8.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty, local.count <= 64 else { return false }
        guard isLocalPart(Array(local), international: international) else { return false }
        let domainBytes = Array(domain)
        if domainBytes.first == UInt8(ascii: "[") {
            guard domainBytes.last == UInt8(ascii: "]") else { return false }
            let literal = domainBytes[1..<(domainBytes.count - 1)]
            if literal.starts(with: "IPv6:".utf8) { return IPAddressFormat.isIPv6(literal.dropFirst(5)) }
            return IPAddressFormat.isIPv4(literal)
        }
        return HostnameFormat.isHostname(String(decoding: domainBytes, as: UTF8.self), international: international)
    }

    private static func isLocalPart(_ bytes: [UInt8], international: Bool) -> Bool {
        if bytes.first == UInt8(ascii: "\"") {
            guard bytes.count >= 2, bytes.last == UInt8(ascii: "\"") else { return false }
            var i = 1
            while i < bytes.count - 1 {
                let b = bytes[i]
                if b == UInt8(ascii: "\\") {
                    guard i + 1 < bytes.count - 1 else { return false }
                    i += 2
                    continue
                }
                guard b == 0x20 || b == 0x21 || (b >= 0x23 && b <= 0x7E) || (international && b >= 0x80) else {
                    return false
                }
                i += 1
            }
            return true
        }
        let atoms = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        for atom in atoms {
            guard !atom.isEmpty,
                atom.allSatisfy({ isAlpha($0) || isDigit($0) || atomSpecials.contains($0) || (international && $0 >= 0x80) })
            else { return false }
        }
        return true
    }
}
