/// Rewrites an ECMA-262 pattern into PCRE2 syntax with the same meaning.
///
/// In UTF mode without `PCRE2_UCP`, PCRE2 already gives `\d`, `\w` and `\b` their ASCII meaning, as ECMA-262
/// does; `$` gets ECMA-262's end-only meaning from `PCRE2_DOLLAR_ENDONLY`. What remains differs in syntax:
/// * `\s` and `\S`: ECMA-262 white space includes Unicode spaces (U+00A0, U+FEFF, U+2000...) and line
///   terminators, PCRE2's ASCII `\s` does not;
/// * `\uXXXX` (with surrogate pairs) and `\u{X...}` become `\x{...}`;
/// * `[^]` (any character) and `[]` (nothing) have no PCRE2 spelling.
enum ECMARegexTranslation {
    /// The members of ECMA-262's `WhiteSpace` and `LineTerminator`, as a character-class body.
    static let whiteSpaceClassBody =
        "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}"

    static func translate(_ pattern: String) throws(RegexCompileError) -> String {
        let scalars = Array(pattern.unicodeScalars)
        var out = ""
        var i = 0
        var inClass = false
        while i < scalars.count {
            let c = scalars[i]
            if c == "\\" {
                guard i + 1 < scalars.count else {
                    throw RegexCompileError(pattern: pattern, message: "\\ at end of pattern", offset: i)
                }
                let next = scalars[i + 1]
                switch next {
                case "s":
                    out += inClass ? whiteSpaceClassBody : "[" + whiteSpaceClassBody + "]"
                    i += 2
                case "S" where !inClass:
                    out += "[^" + whiteSpaceClassBody + "]"
                    i += 2
                case "u":
                    if let (value, length) = unicodeEscape(scalars, at: i) {
                        out += "\\x{" + String(value, radix: 16) + "}"
                        i += length
                    } else {
                        throw RegexCompileError(pattern: pattern, message: "malformed \\u escape", offset: i)
                    }
                default:
                    out.unicodeScalars.append(c)
                    out.unicodeScalars.append(next)
                    i += 2
                }
                continue
            }
            if !inClass && c == "[" {
                if i + 2 < scalars.count, scalars[i + 1] == "^", scalars[i + 2] == "]" {
                    out += "[\\s\\S]"
                    i += 3
                    continue
                }
                if i + 1 < scalars.count, scalars[i + 1] == "]" {
                    out += "(?!)"
                    i += 2
                    continue
                }
                inClass = true
                out += "["
                i += 1
                // In ECMA-262 a `]` right after `[` or `[^` closes the class; in PCRE2 it is a literal.
                if i < scalars.count, scalars[i] == "^" {
                    out += "^"
                    i += 1
                }
                continue
            }
            if inClass && c == "]" { inClass = false }
            out.unicodeScalars.append(c)
            i += 1
        }
        return out
    }

    /// `\uXXXX`, a surrogate pair `\uD83D\uDE00`, or `\u{X...}` at `index`: the scalar value and the length.
    private static func unicodeEscape(_ s: [Unicode.Scalar], at index: Int) -> (UInt32, Int)? {
        if index + 2 < s.count, s[index + 2] == "{" {
            var j = index + 3
            var value: UInt32 = 0
            while j < s.count, s[j] != "}" {
                guard let digit = hexDigit(s[j]), value <= 0x10FFFF else { return nil }
                value = value * 16 + digit
                j += 1
            }
            guard j < s.count, j > index + 3, value <= 0x10FFFF else { return nil }
            return (value, j - index + 1)
        }
        guard let high = hex4(s, at: index + 2) else { return nil }
        if (0xD800...0xDBFF).contains(high), index + 7 < s.count,
            s[index + 6] == "\\", s[index + 7] == "u", let low = hex4(s, at: index + 8),
            (0xDC00...0xDFFF).contains(low)
        {
            return (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00), 12)
        }
        return (high, 6)
    }

    private static func hex4(_ s: [Unicode.Scalar], at start: Int) -> UInt32? {
        guard start + 4 <= s.count else { return nil }
        var value: UInt32 = 0
        for k in start..<(start + 4) {
            guard let digit = hexDigit(s[k]) else { return nil }
            value = value * 16 + digit
        }
        return value
    }

    private static func hexDigit(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": c.value - 48
        case "a"..."f": c.value - 87
        case "A"..."F": c.value - 55
        default: nil
        }
    }
}
