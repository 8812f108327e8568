import JSONCore

/// `maxItems`: an array has at most this many elements.
struct MaxItemsKeyword {
    let limit: Int
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.maxItems(MaxItemsKeyword(limit: try site.nonNegativeInteger(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard case .array(let elements) = instance, elements.count > limit else { return true }
        e.fail(location, "array has \(elements.count) elements, more than the maximum of \(limit)")
        return false
    }
}
