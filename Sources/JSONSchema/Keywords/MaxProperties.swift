import JSONCore

/// `maxProperties`: an object has at most this many members.
struct MaxPropertiesKeyword {
    let limit: Int
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.maxProperties(MaxPropertiesKeyword(limit: try site.nonNegativeInteger(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard case .object(let object) = instance, object.count > limit else { return true }
        e.fail(location, "object has \(object.count) properties, more than the maximum of \(limit)")
        return false
    }
}
