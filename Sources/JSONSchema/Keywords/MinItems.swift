import JSONCore

/// `minItems`: an array has at least this many elements.
struct MinItemsKeyword {
    let limit: Int
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.minItems(MinItemsKeyword(limit: try site.nonNegativeInteger(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard case .array(let elements) = instance, elements.count < limit else { return true }
        e.fail(location, "array has \(elements.count) elements, fewer than the minimum of \(limit)")
        return false
    }
}
