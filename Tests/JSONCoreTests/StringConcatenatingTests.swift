import Bytes
import Testing

/// `String(concatenating:)`, which the rules make their findings' texts with, is exactly the parts joined.
@Suite struct StringConcatenatingTests {
    @Test(arguments: [
        [""],
        ["", "", ""],
        ["component '", "acme.Provider", "' names code outside Parsl"],
        // Small strings (stored inline) and one past the inline limit once joined.
        ["abc", "defghijk", "lmnop"],
        ["abc", "defghijk", "lmnopq"],
        // Non-ASCII parts, and a part longer than a few words.
        ["projet « ", "génomique ☃ 🧬", " » envoyé"],
        [String(repeating: "x", count: 1000), "'", String(repeating: "é", count: 300)],
    ])
    func isThePartsJoined(_ parts: [String]) {
        let joined: String
        switch parts.count {
        case 1: joined = String(concatenating: parts[0])
        case 2: joined = String(concatenating: parts[0], parts[1])
        default: joined = String(concatenating: parts[0], parts[1], parts[2])
        }
        #expect(joined == parts.joined())
        #expect(Array(joined.utf8) == Array(parts.joined().utf8))
    }
}
