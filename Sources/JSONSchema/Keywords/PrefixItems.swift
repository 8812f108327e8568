import JSONCore

/// `prefixItems`: the first elements must be valid against the subschemas at the same index.
struct PrefixItemsKeyword {
    let subschemas: [SchemaNode]
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.prefixItems(PrefixItemsKeyword(subschemas: try site.subschemaArray(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        guard case .array(let elements) = instance else { return true }
        var valid = true
        let covered = min(elements.count, subschemas.count)
        for i in 0..<covered where !e.evaluate(subschemas[i], elements[i], via: location.name, String(i), at: .element(i)) {
            valid = false
            if e.stopsAtFirstFailure { return false }
        }
        if valid, evaluated != nil { evaluated!.itemPrefix = max(evaluated!.itemPrefix, covered) }
        return valid
    }
}
