import JSONCore

/// `exclusiveMinimum`: a number must not be less than or equal to the exclusive minimum (exact for integers, doubles and their mix).
struct ExclusiveMinimumKeyword {
    let limit: JSONValue
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.exclusiveMinimum(ExclusiveMinimumKeyword(limit: try site.number(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard instance.isNumber, JSONNumber.compare(instance, limit) <= 0 else { return true }
        e.fail(location, "\(describe(instance)) is less than or equal to the exclusive minimum of \(describe(limit))")
        return false
    }
}
