import TestSupport
import Testing

@testable import JSONSchema

/// Splitting and resolving URI references (RFC 3986) on UTF-8 bytes, against the RFC's own examples and
/// against the same algorithms written on `Character`s, as they were before.
@Suite("URI references")
struct URIReferenceTests {
    /// RFC 3986 section 5.4: every normal and abnormal example, resolved against its base.
    @Test func resolvesTheRFCsExamples() {
        let base = URIReference("http://a/b/c/d;p?q")
        let examples: [(String, String)] = [
            ("g:h", "g:h"), ("g", "http://a/b/c/g"), ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"), ("//g", "http://g"), ("?y", "http://a/b/c/d;p?y"), ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"), ("g#s", "http://a/b/c/g#s"), ("g?y#s", "http://a/b/c/g?y#s"),
            (";x", "http://a/b/c/;x"), ("g;x", "http://a/b/c/g;x"), ("g;x?y#s", "http://a/b/c/g;x?y#s"),
            ("", "http://a/b/c/d;p?q"), (".", "http://a/b/c/"), ("./", "http://a/b/c/"), ("..", "http://a/b/"),
            ("../", "http://a/b/"), ("../g", "http://a/b/g"), ("../..", "http://a/"), ("../../", "http://a/"),
            ("../../g", "http://a/g"), ("../../../g", "http://a/g"), ("../../../../g", "http://a/g"),
            ("/./g", "http://a/g"), ("/../g", "http://a/g"), ("g.", "http://a/b/c/g."), (".g", "http://a/b/c/.g"),
            ("g..", "http://a/b/c/g.."), ("..g", "http://a/b/c/..g"), ("./../g", "http://a/b/g"),
            ("./g/.", "http://a/b/c/g/"), ("g/./h", "http://a/b/c/g/h"), ("g/../h", "http://a/b/c/h"),
            ("g;x=1/./y", "http://a/b/c/g;x=1/y"), ("g;x=1/../y", "http://a/b/c/y"),
            ("g?y/./x", "http://a/b/c/g?y/./x"),
            ("g?y/../x", "http://a/b/c/g?y/../x"), ("g#s/./x", "http://a/b/c/g#s/./x"),
            ("g#s/../x", "http://a/b/c/g#s/../x"), ("http:g", "http:g"),
        ]
        for (reference, expected) in examples {
            #expect(URIReference(reference).resolved(against: base).description == expected, "\(reference)")
        }
    }

    /// Random references of the characters that matter (delimiters, dots, a scheme's letters, a non-ASCII
    /// letter), split and resolved both ways.
    @Test func agreesWithTheCharacterWalkOnGeneratedReferences() {
        var random = SplitMix64(seed: 3986)
        let pieces = [
            "a", "b", "g", "x1", "/", "/", ".", "..", "./", "../", ":", "?", "#", "//", "é", "+", "-", "urn:",
        ]
        func reference() -> String {
            (0..<Int.random(in: 0...8, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
        }
        for _ in 0..<5_000 {
            let text = reference()
            let parsed = URIReference(text)
            let model = CharacterModel.split(text)
            #expect(
                parsed.scheme == model.scheme && parsed.authority == model.authority && parsed.path == model.path
                    && parsed.query == model.query && parsed.fragment == model.fragment, "\(text)")
            #expect(parsed.description == text)
            let path = reference()
            #expect(URIReference.removingDotSegments(path) == CharacterModel.removingDotSegments(path), "\(path)")
            let base = URIReference("http://h/" + reference())
            let resolved = parsed.resolved(against: base)
            #expect(resolved == CharacterModel.resolved(model, against: base), "\(text) against \(base)")
        }
    }

    /// A fragment keeps RFC 3986's fragment characters and percent-encodes every other byte, upper-case.
    @Test func encodesFragmentsByteByByte() {
        #expect(ResourceRegistry.encodeFragment("/properties/a b") == "/properties/a%20b")
        #expect(ResourceRegistry.encodeFragment("/$defs/x~1y") == "/$defs/x~1y")
        #expect(ResourceRegistry.encodeFragment("é%\"{}") == "%C3%A9%25%22%7B%7D")
        var random = SplitMix64(seed: 1738)
        let alphabet = Array("aZ09-._~!$&'()*+,;=:@/?% \"#[]{}é\u{1F600}\n")
        for _ in 0..<2_000 {
            let text = String(
                (0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            var expected = ""
            for byte in text.utf8 {
                let scalar = Unicode.Scalar(byte)
                if byte < 0x80,
                    scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || "-._~!$&'()*+,;=:@/?".unicodeScalars.contains(scalar)
                {
                    expected.unicodeScalars.append(scalar)
                } else {
                    expected += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
                }
            }
            #expect(ResourceRegistry.encodeFragment(text) == expected, "\(text.debugDescription)")
        }
    }

    /// The algorithms as they were written on `Character`s, the reference here.
    enum CharacterModel {
        static func split(_ text: String) -> URIReference {
            var result = URIReference(scheme: nil, authority: nil, path: "", query: nil, fragment: nil)
            var rest = Substring(text)
            if let hash = rest.firstIndex(of: "#") {
                result.fragment = String(rest[rest.index(after: hash)...])
                rest = rest[..<hash]
            }
            if let question = rest.firstIndex(of: "?") {
                result.query = String(rest[rest.index(after: question)...])
                rest = rest[..<question]
            }
            if let colon = rest.firstIndex(of: ":"),
                let first = rest.first, first.isASCII, first.isLetter,
                rest[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
            {
                result.scheme = String(rest[..<colon])
                rest = rest[rest.index(after: colon)...]
            }
            if rest.hasPrefix("//") {
                rest = rest.dropFirst(2)
                let end = rest.firstIndex(of: "/") ?? rest.endIndex
                result.authority = String(rest[..<end])
                rest = rest[end...]
            }
            result.path = String(rest)
            return result
        }

        static func resolved(_ reference: URIReference, against base: URIReference) -> URIReference {
            var result = reference
            if reference.scheme != nil {
                result.path = removingDotSegments(reference.path)
                return result
            }
            result.scheme = base.scheme
            if reference.authority != nil {
                result.path = removingDotSegments(reference.path)
                return result
            }
            result.authority = base.authority
            if reference.path.isEmpty {
                result.path = base.path
                result.query = reference.query ?? base.query
                return result
            }
            let merged: String
            if reference.path.hasPrefix("/") {
                merged = reference.path
            } else if base.authority != nil && base.path.isEmpty {
                merged = "/" + reference.path
            } else if let slash = base.path.lastIndex(of: "/") {
                merged = base.path[...slash] + reference.path
            } else {
                merged = reference.path
            }
            result.path = removingDotSegments(merged)
            return result
        }

        static func removingDotSegments(_ path: String) -> String {
            guard path.contains(".") else { return path }
            var input = Substring(path)
            var output: [Substring] = []
            while !input.isEmpty {
                if input.hasPrefix("../") {
                    input = input.dropFirst(3)
                } else if input.hasPrefix("./") {
                    input = input.dropFirst(2)
                } else if input.hasPrefix("/./") {
                    input = input.dropFirst(2)
                } else if input == "/." {
                    input = "/"
                } else if input.hasPrefix("/../") {
                    input = input.dropFirst(3)
                    if !output.isEmpty { output.removeLast() }
                } else if input == "/.." {
                    input = "/"
                    if !output.isEmpty { output.removeLast() }
                } else if input == "." || input == ".." {
                    input = ""
                } else {
                    let start = input.startIndex
                    let searchFrom = input.hasPrefix("/") ? input.index(after: start) : start
                    let end = input[searchFrom...].firstIndex(of: "/") ?? input.endIndex
                    output.append(input[start..<end])
                    input = input[end...]
                }
            }
            return output.joined()
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
