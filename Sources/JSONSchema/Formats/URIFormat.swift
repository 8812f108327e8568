/// RFC 3986 URIs and URI references (`uri`, `uri-reference`), RFC 3987 IRIs (`iri`, `iri-reference`: the
/// same grammar, plus non-ASCII characters), and RFC 6570 URI templates (`uri-template`).
enum URIFormat {
    private static let unreserved = Set("-._~".utf8)
    private static let subDelims = Set("!$&'()*+,;=".utf8)

    static func isURI(_ text: String, reference: Bool, international: Bool) -> Bool {
        let bytes = Array(text.utf8)
        func allowed(_ bytes: ArraySlice<UInt8>, extra: Set<UInt8>) -> Bool {
            var i = bytes.startIndex
            while i < bytes.endIndex {
                let b = bytes[i]
                if b == UInt8(ascii: "%") {
                    guard i + 2 < bytes.endIndex, isHexDigit(bytes[i + 1]), isHexDigit(bytes[i + 2]) else { return false }
                    i += 3
                    continue
                }
                guard isAlpha(b) || isDigit(b) || unreserved.contains(b) || subDelims.contains(b) || extra.contains(b)
                    || (international && b >= 0x80)
                else { return false }
                i += 1
            }
            return true
        }
        var rest = bytes[...]
        // Scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" before any "/", "?" or "#".
        if let colon = rest.firstIndex(of: UInt8(ascii: ":")),
            !rest[..<colon].contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") })
        {
            let scheme = rest[..<colon]
            guard let first = scheme.first, isAlpha(first),
                scheme.allSatisfy({ isAlpha($0) || isDigit($0) || "+-.".utf8.contains($0) })
            else { return false }
            rest = rest[(colon + 1)...]
        } else if !reference {
            return false
        }
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) {
            guard allowed(rest[(hash + 1)...], extra: Set(":@/?".utf8)) else { return false }
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: UInt8(ascii: "?")) {
            guard allowed(rest[(question + 1)...], extra: Set(":@/?".utf8)) else { return false }
            rest = rest[..<question]
        }
        if rest.starts(with: "//".utf8) {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
            guard isAuthority(rest[..<end], international: international, allowed: allowed) else { return false }
            rest = rest[end...]
        }
        return allowed(rest, extra: Set(":@/".utf8))
    }

    private static func isAuthority(
        _ authority: ArraySlice<UInt8>, international: Bool,
        allowed: (ArraySlice<UInt8>, Set<UInt8>) -> Bool
    ) -> Bool {
        var host = authority
        if let at = host.lastIndex(of: UInt8(ascii: "@")) {
            guard allowed(host[..<at], Set(":".utf8)) else { return false }
            host = host[(at + 1)...]
        }
        if host.first == UInt8(ascii: "[") {
            guard let close = host.firstIndex(of: UInt8(ascii: "]")) else { return false }
            let literal = host[(host.startIndex + 1)..<close]
            guard IPAddressFormat.isIPv6(literal) || (literal.first == UInt8(ascii: "v") || literal.first == UInt8(ascii: "V"))
            else { return false }
            host = host[(close + 1)...]
            if host.isEmpty { return true }
            guard host.first == UInt8(ascii: ":") else { return false }
            return host.dropFirst().allSatisfy(isDigit)
        }
        if let colon = host.lastIndex(of: UInt8(ascii: ":")) {
            guard host[(colon + 1)...].allSatisfy(isDigit) else { return false }
            host = host[..<colon]
        }
        return allowed(host, [])
    }

    /// Literals as in a URI reference, expressions in braces with an optional operator and a list of
    /// variables (each with an optional `:N` prefix or `*` explode modifier).
    static func isURITemplate(_ text: String) -> Bool {
        var inExpression = false
        var expression: [UInt8] = []
        for b in text.utf8 {
            if inExpression {
                if b == UInt8(ascii: "}") {
                    guard isExpression(expression) else { return false }
                    inExpression = false
                    expression = []
                } else {
                    guard b != UInt8(ascii: "{") else { return false }
                    expression.append(b)
                }
            } else if b == UInt8(ascii: "{") {
                inExpression = true
            } else if b == UInt8(ascii: "}") || b == 0x20 || b == UInt8(ascii: "\"") || b == 0x7F
                || b < 0x20 || b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "\\")
                || b == UInt8(ascii: "^") || b == UInt8(ascii: "`") || b == UInt8(ascii: "|")
            {
                return false
            }
        }
        return !inExpression
    }

    private static func isExpression(_ expression: [UInt8]) -> Bool {
        var body = expression[...]
        if let first = body.first, "+#./;?&=,!@|".utf8.contains(first) { body = body.dropFirst() }
        guard !body.isEmpty else { return false }
        for variable in body.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            var name = variable
            if name.last == UInt8(ascii: "*") {
                name = name.dropLast()
            } else if let colon = name.firstIndex(of: UInt8(ascii: ":")) {
                let length = name[(colon + 1)...]
                guard !length.isEmpty, length.count <= 4, length.allSatisfy(isDigit), length.first != UInt8(ascii: "0")
                else { return false }
                name = name[..<colon]
            }
            // varname = varchar *( ["."] varchar ): no leading, trailing or doubled dots.
            guard !name.isEmpty, name.first != UInt8(ascii: "."), name.last != UInt8(ascii: "."),
                !zip(name, name.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }),
                name.allSatisfy({ isAlpha($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "%") })
            else { return false }
        }
        return true
    }
}
