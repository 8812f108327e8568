import JSONCore

/// `minLength`: a string has at least this many characters, counted as Unicode code points.
struct MinLengthKeyword {
    let limit: Int
    unowned(unsafe) let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.minLength(MinLengthKeyword(limit: try site.nonNegativeInteger(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard case .string(let text) = instance else { return true }
        // Each code point takes at most 4 UTF-8 bytes: a string of 4 * limit bytes is long enough. (Divided,
        // not multiplied: a schema's limit may be near `Int.max`, and the product overflowed.)
        if text.utf8.count / 4 >= limit { return true }
        let length = text.unicodeScalars.count
        if length >= limit { return true }
        e.fail(location, "\(describe(instance)) is shorter than \(limit) characters (\(length))")
        return false
    }
}
