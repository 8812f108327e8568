/// Rewrites an ECMA-262 pattern into PCRE2 syntax with the same meaning.
///
/// In UTF mode without `PCRE2_UCP`, PCRE2 already gives `\d`, `\w` and `\b` their ASCII meaning, as ECMA-262
/// does; `$` gets ECMA-262's end-only meaning from `PCRE2_DOLLAR_ENDONLY`. What remains differs in syntax:
/// * `\s` and `\S`: ECMA-262 white space includes Unicode spaces (U+00A0, U+FEFF, U+2000...) and line
///   terminators, PCRE2's ASCII `\s` does not;
/// * `\uXXXX` (with surrogate pairs) and `\u{X...}` become `\x{...}`;
/// * `[^]` (any character) and `[]` (nothing) have no PCRE2 spelling;
/// * `\v` is U+000B in ECMA-262, a class of vertical spaces in PCRE2;
/// * Unicode property escapes use ECMA-262's long names (`\p{Letter}`, `\p{Script=Greek}`), which PCRE2
///   10.42 does not know: they become the short names.
///
/// Syntax that PCRE2 accepts but ECMA-262 does not is rejected, so `format: "regex"` means ECMA-262: inline
/// flags `(?i)`, Python's `(?P<name>...)` and `(?P=name)`, comments `(?#...)`, and escapes of letters that
/// ECMA-262 does not define (`\a`, `\A`, `\Z`, `\h`...).
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
                case "v":
                    out += "\\x{0B}"
                    i += 2
                case "p", "P":
                    guard i + 2 < scalars.count, scalars[i + 2] == "{",
                        let close = scalars[(i + 3)...].firstIndex(of: "}")
                    else {
                        throw RegexCompileError(pattern: pattern, message: "\\\(next) needs a {property}", offset: i)
                    }
                    let name = String(String.UnicodeScalarView(scalars[(i + 3)..<close]))
                    out += "\\\(next){\(propertyName(name))}"
                    i = close + 1
                case "u":
                    if let (value, length) = unicodeEscape(scalars, at: i) {
                        out += "\\x{" + String(value, radix: 16) + "}"
                        i += length
                    } else {
                        throw RegexCompileError(pattern: pattern, message: "malformed \\u escape", offset: i)
                    }
                default:
                    if next.isASCII, next.properties.isAlphabetic, !"dDwWbBfnrtcxk".unicodeScalars.contains(next) {
                        throw RegexCompileError(
                            pattern: pattern, message: "\\\(next) is not an ECMA-262 escape", offset: i)
                    }
                    out.unicodeScalars.append(c)
                    out.unicodeScalars.append(next)
                    i += 2
                }
                continue
            }
            if !inClass && c == "(" && i + 2 < scalars.count && scalars[i + 1] == "?" {
                let kind = scalars[i + 2]
                let isLookbehindOrName = kind == "<"
                guard kind == ":" || kind == "=" || kind == "!" || isLookbehindOrName else {
                    throw RegexCompileError(
                        pattern: pattern, message: "(?\(kind) is not ECMA-262 syntax", offset: i)
                }
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

    /// General categories by their long names (and the alias `digit`), in the loose form (lowercase, no
    /// underscores) used for lookup.
    private static let generalCategories: [String: String] = [
        "letter": "L", "casedletter": "LC", "uppercaseletter": "Lu", "lowercaseletter": "Ll",
        "titlecaseletter": "Lt", "modifierletter": "Lm", "otherletter": "Lo", "mark": "M", "combiningmark": "M",
        "nonspacingmark": "Mn", "spacingmark": "Mc", "enclosingmark": "Me", "number": "N", "decimalnumber": "Nd",
        "digit": "Nd", "letternumber": "Nl", "othernumber": "No", "punctuation": "P", "punct": "P",
        "connectorpunctuation": "Pc", "dashpunctuation": "Pd", "openpunctuation": "Ps", "closepunctuation": "Pe",
        "initialpunctuation": "Pi", "finalpunctuation": "Pf", "otherpunctuation": "Po", "symbol": "S",
        "mathsymbol": "Sm", "currencysymbol": "Sc", "modifiersymbol": "Sk", "othersymbol": "So", "separator": "Z",
        "spaceseparator": "Zs", "lineseparator": "Zl", "paragraphseparator": "Zp", "other": "C", "control": "Cc",
        "cntrl": "Cc", "format": "Cf", "surrogate": "Cs", "privateuse": "Co", "unassigned": "Cn",
    ]

    /// The PCRE2 spelling of an ECMA-262 property name: `Letter` -> `L`, `General_Category=Lu` -> `Lu`,
    /// `Script=Greek` -> `Greek`; anything else as written (PCRE2 knows scripts and binary properties).
    static func propertyName(_ name: String) -> String {
        var value = name
        if let equals = name.firstIndex(of: "=") { value = String(name[name.index(after: equals)...]) }
        let loose = value.lowercased().filter { $0 != "_" && $0 != " " && $0 != "-" }
        return generalCategories[loose] ?? value
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
