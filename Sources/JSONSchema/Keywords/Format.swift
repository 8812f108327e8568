import JSONCore

/// `format`: an annotation by default; with format assertion on, a string must have the named format.
/// Formats this engine does not know stay annotations even then (the specification allows it).
struct FormatKeyword {
    let format: StringFormat
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        let name = try site.string()
        guard site.dialect.formatAssertion, let format = StringFormat(rawValue: name) else { return .annotation }
        return .validator(.format(FormatKeyword(format: format, location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard case .string(let text) = instance else { return true }
        if format.accepts(text) { return true }
        e.fail(location, "\(describe(instance)) is not a valid \(format.rawValue)")
        return false
    }
}
