/// RFC 1123 host names (`hostname`) and, approximately, IDNA 2008 ones (`idn-hostname`): labels of 1 to 63
/// octets (letters, digits, hyphens; no hyphen first or last; no `--` in positions 3-4 unless it is an
/// `xn--` A-label), at most 253 octets in all. For `idn-hostname`, U-labels may hold any letters and marks,
/// measured in their A-label form bound of 63 characters; the contextual rules of RFC 5892 are only
/// partly checked (the rules tested in practice: the middle dot, Greek and Hebrew marks, Katakana middle
/// dot, Arabic digits mixing, zero-width joiners).
enum HostnameFormat {
    static func isHostname(_ text: String, international: Bool) -> Bool {
        var text = text
        if international {
            // IDNA label separators: ideographic and full-width full stops.
            for separator in ["\u{3002}", "\u{FF0E}", "\u{FF61}"] { text = text.replacing(separator, with: ".") }
        }
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        // Empty labels, a trailing dot included, are rejected (the suite follows RFC 1123's host name, not a
        // DNS name).
        return labels.allSatisfy { !$0.isEmpty && isLabel($0, international: international) }
    }

    private static func isLabel(_ label: Substring, international: Bool) -> Bool {
        let scalars = Array(label.unicodeScalars)
        guard !scalars.isEmpty, scalars.first != "-", scalars.last != "-" else { return false }
        let ascii = scalars.allSatisfy(\.isASCII)
        if ascii {
            guard scalars.count <= 63 else { return false }
            guard scalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" }) else {
                return false
            }
            if scalars.count >= 4, scalars[2] == "-", scalars[3] == "-" {
                // Only A-labels ("xn--") may have hyphens in the third and fourth positions.
                let prefix = String(String.UnicodeScalarView(scalars[0..<2])).lowercased()
                guard prefix == "xn", scalars.count > 4 else { return false }
                return isALabel(String(String.UnicodeScalarView(scalars[4...])))
            }
            return true
        }
        guard international else { return false }
        return isULabel(scalars)
    }

    /// An A-label's payload must decode, re-encode to itself (canonical Punycode), and decode to a valid
    /// U-label.
    private static func isALabel(_ payload: String) -> Bool {
        guard let decoded = Punycode.decode(payload), !decoded.isEmpty,
            Punycode.encode(decoded)?.lowercased() == payload.lowercased()
        else { return false }
        return isULabel(decoded)
    }

    /// Code points IDNA 2008 declares PVALID although their category would exclude them (RFC 5892 2.6).
    private static let validExceptions: Set<UInt32> = [0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007]

    private static func isULabel(_ scalars: [Unicode.Scalar]) -> Bool {
        guard let encodedLength = Punycode.encodedLength(scalars), encodedLength + 4 <= 63 else { return false }
        if scalars.count >= 4, scalars[2] == "-", scalars[3] == "-" { return false }
        // A label must not start with a combining mark (RFC 5891 section 5.4).
        if let first = scalars.first, first.properties.generalCategory.isMark { return false }
        var hasArabicIndic = false
        var hasExtendedArabicIndic = false
        var hasKatakanaContext = false
        for scalar in scalars {
            if validExceptions.contains(scalar.value) { continue }
            switch scalar.properties.generalCategory {
            case .lowercaseLetter, .uppercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber:
                break
            default:
                if !(scalar == "-" || scalar == "\u{00B7}" || scalar == "\u{0375}" || scalar == "\u{05F3}"
                    || scalar == "\u{05F4}" || scalar == "\u{30FB}" || scalar == "\u{200C}" || scalar == "\u{200D}")
                {
                    return false
                }
            }
            // Disallowed by IDNA 2008 (RFC 5892 section 2.6 exceptions and common disallowed punctuation).
            if [0x0640, 0x07FA, 0x302E, 0x302F, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303B].contains(scalar.value) {
                return false
            }
            if (0x0660...0x0669).contains(scalar.value) { hasArabicIndic = true }
            if (0x06F0...0x06F9).contains(scalar.value) { hasExtendedArabicIndic = true }
            if isKatakanaHiraganaHan(scalar) { hasKatakanaContext = true }
        }
        if hasArabicIndic && hasExtendedArabicIndic { return false }
        for (i, scalar) in scalars.enumerated() {
            switch scalar.value {
            case 0x00B7:  // MIDDLE DOT: only between two 'l'
                guard i > 0, i + 1 < scalars.count, scalars[i - 1] == "l", scalars[i + 1] == "l" else { return false }
            case 0x0375:  // GREEK KERAIA: followed by a Greek letter
                guard i + 1 < scalars.count, isGreek(scalars[i + 1]) else { return false }
            case 0x05F3, 0x05F4:  // HEBREW GERESH, GERSHAYIM: preceded by a Hebrew letter
                guard i > 0, isHebrew(scalars[i - 1]) else { return false }
            case 0x30FB:  // KATAKANA MIDDLE DOT: with Hiragana, Katakana or Han in the label
                guard hasKatakanaContext else { return false }
            case 0x200D, 0x200C:  // ZERO WIDTH JOINER / NON-JOINER: after a virama
                guard i > 0, isVirama(scalars[i - 1]) else { return false }
            default:
                break
            }
        }
        return true
    }

    private static func isGreek(_ s: Unicode.Scalar) -> Bool { (0x0370...0x03FF).contains(s.value) || (0x1F00...0x1FFF).contains(s.value) }
    private static func isHebrew(_ s: Unicode.Scalar) -> Bool { (0x0590...0x05FF).contains(s.value) }
    private static func isVirama(_ s: Unicode.Scalar) -> Bool { s.properties.canonicalCombiningClass.rawValue == 9 }
    private static func isKatakanaHiraganaHan(_ s: Unicode.Scalar) -> Bool {
        s.value != 0x30FB
            && ((0x3040...0x30FF).contains(s.value) || (0x4E00...0x9FFF).contains(s.value) || (0x3400...0x4DBF).contains(s.value))
    }
}

extension Unicode.GeneralCategory {
    var isMark: Bool { self == .nonspacingMark || self == .spacingMark || self == .enclosingMark }
}
