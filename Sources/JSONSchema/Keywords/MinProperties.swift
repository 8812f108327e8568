import JSONCore

/// `minProperties`: an object has at least this many members.
struct MinPropertiesKeyword {
    let limit: Int
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.minProperties(MinPropertiesKeyword(limit: try site.nonNegativeInteger(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard case .object(let object) = instance, object.count < limit else { return true }
        e.fail(location, "object has \(object.count) properties, fewer than the minimum of \(limit)")
        return false
    }
}
