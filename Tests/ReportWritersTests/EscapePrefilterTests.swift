import Bytes
import Testing

@testable import ReportWriters

/// The escapings skip their scalar walk for a text whose bytes are ASCII outside a set of special characters
/// (`Escape.replacingScalars(in:unlessFreeOf:_:)`). That is only right while every ASCII character an
/// escaping replaces is in its set: these tests hold each set to its replacement, character by character, so
/// a replacement added without its set fails here rather than leaking unescaped text.
@Suite struct EscapePrefilterTests {
    static var escapings: [(name: String, special: Escape.ASCIISet, replacement: (Unicode.Scalar) -> String?)] {
        [
            ("xml text", Escape.xmlTextSpecial, { Escape.xmlReplacement($0, attribute: false) }),
            ("xml attribute", Escape.markupSpecial, { Escape.xmlReplacement($0, attribute: true) }),
            ("html", Escape.markupSpecial, Escape.htmlReplacement),
            ("markdown", Escape.markdownSpecial, Escape.markdownReplacement),
            ("github data", GitHubReport.special, { GitHubReport.replacement($0, property: false) }),
            ("github property", GitHubReport.special, { GitHubReport.replacement($0, property: true) }),
        ]
    }

    @Test func everyASCIICharacterAnEscapingReplacesIsInItsSet() {
        for escaping in Self.escapings {
            for byte in UInt8(0)..<0x80 where escaping.replacement(Unicode.Scalar(byte)) != nil {
                #expect(escaping.special.contains(byte), "\(escaping.name) replaces \(byte) outside its set")
            }
        }
    }

    @Test func aTextFreeOfTheSetIsReturnedAsItIs() {
        let plain = "privacy.project-name in /data/run 7.pcap: component 'acme.Provider' (level 3)"
        #expect(Escape.xml(plain) == plain)
        #expect(Escape.xml(plain, attribute: true) != plain)  // the quote in it is replaced in an attribute
        // Lines with quotes and tabs are text XML keeps as it is (a JUnit failure's details).
        let lines = "error: privacy.user-code-identifier\ncomponent 'acme.P' \"x\"\n\tat run.wire line 3"
        #expect(Escape.xml(lines) == lines)
        #expect(!Escape.xmlTextSpecial.contains(UInt8(ascii: "\n")) && Escape.xmlTextSpecial.contains(0x0D))
        #expect(Escape.html("level 3 of 12") == "level 3 of 12")
        #expect(Escape.markdown("level 3 of 12") == "level 3 of 12")
    }

    /// ASCII text with specials is rebuilt byte by byte; it must read as the scalar walk writes it.
    @Test func asciiTextIsRebuiltAsTheScalarWalkWritesIt() {
        let texts = [
            "", "&", "a&b", "<tag attr=\"v\">it's</tag>", "\r\n\t\u{1}\u{7F}end", "%:,%", "*_[x]|~#!`\\",
            String(repeating: "plain & <simple> 'text'\n", count: 50), "naïve & <x>", "\u{202E}x&y",
        ]
        for escaping in Self.escapings {
            for text in texts {
                let special = escaping.special
                #expect(
                    Escape.replacingScalars(in: text, unlessFreeOf: special, escaping.replacement)
                        == Escape.replacingScalars(in: text, escaping.replacement), "\(escaping.name): \(text)")
            }
        }
    }

    /// The JUnit report appends XML as bytes, piece by piece: each piece must read as `xml` writes it.
    @Test func xmlAppendedAsBytesIsTheEscapedText() {
        let texts = [
            "", "plain text", "&", "<tag attr=\"v\">it's</tag>", "\r\n\t\u{1}\u{7F}end", "naïve & <x>", "\u{202E}x",
            "x\u{FFFE}", String(repeating: "line 'quoted' \"twice\"\n", count: 40),
        ]
        for attribute in [false, true] {
            for text in texts {
                var bytes = ByteBuffer()
                Escape.appendXML(text, attribute: attribute, to: &bytes)
                #expect(String(decoding: bytes.array, as: UTF8.self) == Escape.xml(text, attribute: attribute))
            }
        }
    }

    @Test func textWithSpecialsOrNonASCIIIsStillEscaped() {
        #expect(Escape.xml("a<b & \u{1}") == "a&lt;b &amp; \\u0001")
        #expect(Escape.xml("x\u{FFFE}") == "x\\ufffe")
        #expect(Escape.html("\u{202E}evil") == "\\u202eevil")
        #expect(Escape.markdown("*bold* [link]") == "\\*bold\\* \\[link\\]")
        #expect(Escape.xml("tab\tand\nline", attribute: true) == "tab&#9;and&#10;line")
        #expect(Escape.xml("tab\tand\nline") == "tab\tand\nline")
    }

    @Test func theSetHoldsWhatItWasMadeOf() {
        let set = Escape.ASCIISet(controlsAnd: "&~")
        for byte in UInt8(0)..<0x80 {
            let expected = byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "~")
            #expect(set.contains(byte) == expected, "byte \(byte)")
        }
        #expect(!set.contains(0x80) && !set.contains(0xFF))
    }
}
