import JSONCore

/// `maxLength`: a string has at most this many characters, counted as Unicode code points.
struct MaxLengthKeyword {
    let limit: Int
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.maxLength(MaxLengthKeyword(limit: try site.nonNegativeInteger(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard case .string(let text) = instance else { return true }
        // A string never has more code points than UTF-8 bytes: most strings pass without counting.
        if text.utf8.count <= limit { return true }
        let length = text.unicodeScalars.count
        if length <= limit { return true }
        e.fail(location, "\(describe(instance)) is longer than \(limit) characters (\(length))")
        return false
    }
}
