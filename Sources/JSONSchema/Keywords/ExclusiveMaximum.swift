import JSONCore

/// `exclusiveMaximum`: a number must not be greater than or equal to the exclusive maximum (exact for integers, doubles and their mix).
struct ExclusiveMaximumKeyword {
    let limit: JSONValue
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.exclusiveMaximum(ExclusiveMaximumKeyword(limit: try site.number(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard instance.isNumber, JSONNumber.compare(instance, limit) >= 0 else { return true }
        e.fail(location, "\(describe(instance)) is greater than or equal to the exclusive maximum of \(describe(limit))")
        return false
    }
}
