import Bytes
import JSONCore

/// Escaping for every output language, in one place. Message content is hostile input (anything a datagram
/// can hold), so nothing from it reaches a report unescaped: not markup, not terminal control sequences, not
/// characters that XML 1.0 forbids.
enum Escape {
    /// `\u{1B}` as the six characters `\u001b`: keeps the information visible without letting it act.
    static func visible(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Characters that reorder or hide text on screen (bidirectional overrides and isolates, as in the
    /// "Trojan Source" attack), so a finding cannot be made to read as something else.
    static func isDeceptiveFormatCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }

    /// C0 and C1 controls and DEL: what a terminal may interpret.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// `text` with every scalar that `replacement` maps written as what it gives, every other kept: the one
    /// loop behind each escaping. Scalar by scalar, because a `Character` holds `\r\n` as one, which a
    /// character-wise replacement would miss.
    static func replacingScalars(in text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let replaced = replacement(scalar) {
                out += replaced
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `replacingScalars`, byte by byte for ASCII text: nearly every text a report escapes (rule ids, input
    /// names, messages) is ASCII, and a walk over its scalars that rebuilds it costs many times one pass over
    /// its bytes. Text free of `special` is returned as it is; other ASCII text is rebuilt from the runs
    /// between specials, each special through `replacement` (in ASCII a byte is a scalar); non-ASCII text
    /// takes the walk. `special` must hold every ASCII character that `replacement` maps.
    static func replacingScalars(
        in text: String, unlessFreeOf special: ASCIISet, _ replacement: (Unicode.Scalar) -> String?
    ) -> String {
        enum Outcome {
            case unchanged, rebuilt(String), nonASCII
        }
        let outcome: Outcome = text.withUTF8InPlace { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte >= 0x80 { return .nonASCII }
                if special.contains(byte) { break }
                index += 1
            }
            guard index < bytes.count else { return .unchanged }
            guard StringBytes.isASCII(UnsafeBufferPointer(rebasing: bytes[index...])) else { return .nonASCII }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            var runStart = 0
            while index < bytes.count {
                let byte = bytes[index]
                if special.contains(byte), let replaced = replacement(Unicode.Scalar(byte)) {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                    out.append(contentsOf: replaced.utf8)
                    runStart = index + 1
                }
                index += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
            return .rebuilt(String(decoding: out, as: UTF8.self))
        }
        switch outcome {
        case .unchanged: return text
        case .rebuilt(let escaped): return escaped
        case .nonASCII: return replacingScalars(in: text, replacement)
        }
    }

    /// ASCII characters that an escaping may replace.
    struct ASCIISet {
        private var low: UInt64 = 0
        private var high: UInt64 = 0

        /// The controls (U+0000 to U+001F and DEL) and `others`.
        init(controlsAnd others: String, except kept: String = "") {
            for byte in UInt8(0)..<0x20 where !kept.utf8.contains(byte) { insert(byte) }
            insert(0x7F)
            for byte in others.utf8 {
                precondition(byte < 0x80, "an ASCIISet holds ASCII")
                insert(byte)
            }
        }

        private mutating func insert(_ byte: UInt8) {
            if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
        }

        func contains(_ byte: UInt8) -> Bool {
            byte < 64 ? low & (1 << UInt64(byte)) != 0 : byte < 128 && high & (1 << UInt64(byte - 64)) != 0
        }
    }

    /// The ASCII that XML and HTML escaping replace (a control may also be kept, as tab and newline are).
    static let markupSpecial = ASCIISet(controlsAnd: "&<>\"'")
    /// The ASCII that Markdown escaping replaces.
    static let markdownSpecial = ASCIISet(controlsAnd: "\\`*_[]|~#!<>&")

    /// Controls and bidi controls as visible text; `nil` for any other scalar.
    static func visibleIfControl(_ scalar: Unicode.Scalar) -> String? {
        isControl(scalar) || isDeceptiveFormatCharacter(scalar) ? visible(scalar) : nil
    }

    /// A string as JSON. Nearly every string of a report needs no escape and is copied whole between quotes;
    /// the rest go through JSONCore's serializer (the same text: only `"`, `\\` and control characters are
    /// escaped).
    static func appendJSONString(_ text: String, to out: inout some ByteSink & ~Copyable) {
        text.withUTF8InPlace { appendJSONString(utf8: UnsafeRawBufferPointer($0), to: &out) }
    }

    /// `appendJSONString` for a string given as its UTF-8 bytes (a field of a spooled record), into an array
    /// of bytes or a `ByteBuffer`. Inlined: the writers call it for every string of a report.
    @inline(__always)
    static func appendJSONString(utf8 bytes: UnsafeRawBufferPointer, to out: inout some ByteSink & ~Copyable) {
        guard StringBytes.needsJSONEscape(bytes.assumingMemoryBound(to: UInt8.self)) else {
            out.append("\"")
            out.append(contentsOf: bytes)
            out.append("\"")
            return
        }
        var escaped: [UInt8] = []
        JSONValue.string(String(decoding: bytes, as: UTF8.self)).write(to: &escaped, .init(sortKeys: false))
        escaped.withUnsafeBytes { out.append(contentsOf: $0) }
    }

    /// For one line of a terminal or Markdown report: every control character (tab and newline too, which
    /// would break the line structure) and every bidi control becomes visible text.
    static func singleLine(_ text: String) -> String {
        // Nearly every line is printable ASCII, which holds neither kind: one pass over its bytes says so.
        if text.withUTF8InPlace({ isPrintableASCII(UnsafeRawBufferPointer($0)) }) { return text }
        guard text.unicodeScalars.contains(where: { isControl($0) || isDeceptiveFormatCharacter($0) }) else {
            return text
        }
        return replacingScalars(in: text, visibleIfControl)
    }

    /// Whether every byte is printable ASCII (space to tilde): text `singleLine` leaves as it is.
    static func isPrintableASCII(_ text: UnsafeRawBufferPointer) -> Bool { text.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }

    /// `singleLine` of the UTF-8 `text` (a spooled record's, so valid), appended: printable ASCII, nearly
    /// every line, goes in as it is.
    static func appendSingleLine(_ text: UnsafeRawBufferPointer, to out: inout some ByteSink & ~Copyable) {
        if isPrintableASCII(text) { return out.append(contentsOf: text) }
        out.append(utf8: singleLine(String(decoding: text, as: UTF8.self)))
    }

    /// XML 1.0 text or attribute content. Characters XML 1.0 cannot carry at all (most C0 controls,
    /// U+FFFE, U+FFFF), not even as character references, become visible `\uXXXX` text. In attributes,
    /// tab, newline and carriage return are written as references so that attribute normalisation keeps them.
    static func xml(_ text: String, attribute: Bool = false) -> String {
        replacingScalars(in: text, unlessFreeOf: attribute ? markupSpecial : xmlTextSpecial) {
            xmlReplacement($0, attribute: attribute)
        }
    }

    /// `xml(text, attribute:)` appended as UTF-8: ASCII free of what the escaping replaces, nearly every
    /// piece of a report, is copied as it is.
    static func appendXML(_ text: String, attribute: Bool = false, to out: inout some ByteSink & ~Copyable) {
        let special = attribute ? markupSpecial : xmlTextSpecial
        let copied: Bool = text.withUTF8InPlace { bytes in
            for byte in bytes where byte >= 0x80 || special.contains(byte) { return false }
            out.append(contentsOf: UnsafeRawBufferPointer(bytes))
            return true
        }
        if !copied { out.append(utf8: xml(text, attribute: attribute)) }
    }

    /// The ASCII that XML escaping replaces in text (not in an attribute): `&`, `<`, `>` and the controls but
    /// tab and newline, which text keeps as they are, as it keeps quotes. A finding's details are lines of
    /// text with quotes in them: with the attribute's set, every one was rebuilt byte by byte unchanged.
    static let xmlTextSpecial = ASCIISet(controlsAnd: "&<>", except: "\t\n")

    static func xmlReplacement(_ scalar: Unicode.Scalar, attribute: Bool) -> String? {
        switch scalar {
        case "&": "&amp;"
        case "<": "&lt;"
        case ">": "&gt;"
        case "\"" where attribute: "&quot;"
        case "'" where attribute: "&apos;"
        case "\t" where attribute: "&#9;"
        case "\n" where attribute: "&#10;"
        case "\r": "&#13;"
        case "\t", "\n": nil
        default: scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF ? visible(scalar) : nil
        }
    }

    /// HTML text or a double- or single-quoted attribute value. Controls other than tab, newline and
    /// carriage return (parse errors in HTML) and bidi controls become visible `\uXXXX` text.
    static func html(_ text: String) -> String {
        replacingScalars(in: text, unlessFreeOf: markupSpecial, htmlReplacement)
    }

    static func htmlReplacement(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "&": "&amp;"
        case "<": "&lt;"
        case ">": "&gt;"
        case "\"": "&quot;"
        case "'": "&#39;"
        case "\t", "\n": nil
        case "\u{FFFE}", "\u{FFFF}": visible(scalar)
        default: visibleIfControl(scalar)
        }
    }

    /// Inline Markdown text (GitHub flavour), including inside a table cell: one line, with the characters
    /// that start emphasis, links, code, HTML or a cell boundary backslash-escaped, so user data stays text.
    static func markdown(_ text: String) -> String {
        replacingScalars(in: singleLine(text), unlessFreeOf: markdownSpecial, markdownReplacement)
    }

    static func markdownReplacement(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "\\", "`", "*", "_", "[", "]", "|", "~", "#", "!": "\\" + String(scalar)
        case "<": "&lt;"
        case ">": "&gt;"
        case "&": "&amp;"
        default: nil
        }
    }

    /// A Markdown code span holding `text` literally, safe inside a table cell: the fence is longer than any
    /// run of backticks inside, and `|` is escaped (GitHub splits cells before it parses code spans).
    static func markdownCode(_ text: String) -> String {
        let content = singleLine(text).replacing("|", with: "\\|")
        var longestRun = 0
        var run = 0
        for character in content.unicodeScalars {
            run = character == "`" ? run + 1 : 0
            longestRun = max(longestRun, run)
        }
        let fence = String(repeating: "`", count: longestRun + 1)
        let pad = content.hasPrefix("`") || content.hasSuffix("`") || content.isEmpty ? " " : ""
        return fence + pad + content + pad + fence
    }

    /// At most `limit` Unicode scalars, with an ellipsis when cut: reports never repeat more of a message
    /// than a reader needs.
    static func truncated(_ text: String, to limit: Int) -> String {
        guard text.unicodeScalars.count > limit else { return text }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: text.unicodeScalars.prefix(max(0, limit - 1)))
        return String(out) + "…"
    }
}
