import JSONCore

/// `maximum`: a number must not be greater than the maximum (exact for integers, doubles and their mix).
struct MaximumKeyword {
    let limit: JSONValue
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.maximum(MaximumKeyword(limit: try site.number(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard instance.isNumber, JSONNumber.compare(instance, limit) > 0 else { return true }
        e.fail(location, "\(describe(instance)) is greater than the maximum of \(describe(limit))")
        return false
    }
}
