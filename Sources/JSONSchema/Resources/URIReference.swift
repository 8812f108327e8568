/// An RFC 3986 URI reference split into its five components, with reference resolution (section 5.2).
///
/// Schema identifiers (`$id`, `$ref`, `$schema`) are URI references resolved against a base URI; no
/// network is ever involved, so this is string work only. Written here rather than through Foundation's
/// `URL`, whose resolution differs across platforms for `urn:` and `tag:` URIs, which the test suite uses.
package struct URIReference: Hashable, Sendable, CustomStringConvertible {
    package var scheme: String?
    package var authority: String?
    package var path: String
    package var query: String?
    package var fragment: String?

    /// Splits by the regular expression of RFC 3986 appendix B; never fails (every string is a reference).
    /// Its delimiters are ASCII, so the text is read as UTF-8 bytes, not as `Character`s: a grapheme-cluster
    /// walk cost about 150 instructions a character, 30,000 a schema identifier, and RFC 3986's syntax is
    /// one of code points, where a combining mark after `#` does not hide the `#`.
    package init(_ text: String) {
        var rest = Substring(text)
        if let hash = rest.utf8.firstIndex(of: UInt8(ascii: "#")) {
            fragment = String(rest[rest.utf8.index(after: hash)...])
            rest = rest[..<hash]
        }
        if let question = rest.utf8.firstIndex(of: UInt8(ascii: "?")) {
            query = String(rest[rest.utf8.index(after: question)...])
            rest = rest[..<question]
        }
        if let colon = rest.utf8.firstIndex(of: UInt8(ascii: ":")), let first = rest.utf8.first,
            Self.isASCIILetter(first), rest.utf8[..<colon].allSatisfy(Self.isSchemeByte)
        {
            scheme = String(rest[..<colon])
            rest = rest[rest.utf8.index(after: colon)...]
        }
        if rest.utf8.starts(with: "//".utf8) {
            rest = rest[rest.utf8.index(rest.startIndex, offsetBy: 2)...]
            let end = rest.utf8.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
            authority = String(rest[..<end])
            rest = rest[end...]
        }
        path = String(rest)
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    /// A byte of a scheme (RFC 3986 section 3.1: letters, digits, `+`, `-`, `.`).
    private static func isSchemeByte(_ byte: UInt8) -> Bool {
        isASCIILetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    package init(scheme: String?, authority: String?, path: String, query: String?, fragment: String?) {
        self.scheme = scheme
        self.authority = authority
        self.path = path
        self.query = query
        self.fragment = fragment
    }

    package var isAbsolute: Bool { scheme != nil }

    /// The same reference without its fragment: the identifier of a schema resource.
    package var withoutFragment: URIReference {
        var copy = self
        copy.fragment = nil
        return copy
    }

    package var description: String {
        var out = ""
        if let scheme { out += scheme + ":" }
        if let authority { out += "//" + authority }
        out += path
        if let query { out += "?" + query }
        if let fragment { out += "#" + fragment }
        return out
    }

    /// RFC 3986 section 5.2.2: this reference resolved against `base`.
    package func resolved(against base: URIReference) -> URIReference {
        if let scheme {
            return URIReference(
                scheme: scheme, authority: authority, path: Self.removingDotSegments(path), query: query,
                fragment: fragment)
        }
        if authority != nil {
            return URIReference(
                scheme: base.scheme, authority: authority, path: Self.removingDotSegments(path), query: query,
                fragment: fragment)
        }
        if path.isEmpty {
            return URIReference(
                scheme: base.scheme, authority: base.authority, path: base.path, query: query ?? base.query,
                fragment: fragment)
        }
        let merged: String
        if path.hasPrefix("/") {
            merged = path
        } else if base.authority != nil && base.path.isEmpty {
            merged = "/" + path
        } else if let slash = base.path.utf8.lastIndex(of: UInt8(ascii: "/")) {
            merged = base.path[...slash] + path
        } else {
            merged = path
        }
        return URIReference(
            scheme: base.scheme, authority: base.authority, path: Self.removingDotSegments(merged), query: query,
            fragment: fragment)
    }

    /// RFC 3986 section 5.2.4, on the path's UTF-8 bytes (it cuts only at `/`). A path without a `.` or
    /// `..` segment, nearly every one, is returned as it is, which the algorithm would give too.
    package static func removingDotSegments(_ path: String) -> String {
        let bytes = Array(path.utf8)
        guard hasDotSegment(bytes) else { return path }
        let slash = UInt8(ascii: "/")
        var input = bytes[...]
        // The segments written so far, as where each ends in `output`.
        var output: [UInt8] = []
        var segmentEnds: [Int] = []
        func starts(_ prefix: StaticString) -> Bool {
            input.count >= prefix.utf8CodeUnitCount
                && (0..<prefix.utf8CodeUnitCount).allSatisfy { input[input.startIndex + $0] == prefix.utf8Start[$0] }
        }
        func `is`(_ whole: StaticString) -> Bool { input.count == whole.utf8CodeUnitCount && starts(whole) }
        func removeLastSegment() {
            guard let last = segmentEnds.popLast() else { return }
            output.removeSubrange((segmentEnds.last ?? 0)..<last)
        }
        while !input.isEmpty {
            if starts("../") {
                input = input.dropFirst(3)
            } else if starts("./") {
                input = input.dropFirst(2)
            } else if starts("/./") {
                input = input.dropFirst(2)
            } else if `is`("/.") {
                input = [slash][...]
            } else if starts("/../") {
                input = input.dropFirst(3)
                removeLastSegment()
            } else if `is`("/..") {
                input = [slash][...]
                removeLastSegment()
            } else if `is`(".") || `is`("..") {
                input = []
            } else {
                let searchFrom = input.first == slash ? input.startIndex + 1 : input.startIndex
                let end = input[searchFrom...].firstIndex(of: slash) ?? input.endIndex
                output.append(contentsOf: input[..<end])
                segmentEnds.append(output.count)
                input = input[end...]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether a segment of `path` (between `/`s, or at either end) is `.` or `..`.
    private static func hasDotSegment(_ path: [UInt8]) -> Bool {
        var segmentStart = 0
        for index in 0...path.count where index == path.count || path[index] == UInt8(ascii: "/") {
            let segment = path[segmentStart..<index]
            if !segment.isEmpty, segment.count <= 2, segment.allSatisfy({ $0 == UInt8(ascii: ".") }) { return true }
            segmentStart = index + 1
        }
        return false
    }
}
