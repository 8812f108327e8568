import JSONCore

/// `allOf`: the instance must be valid against every subschema.
struct AllOfKeyword {
    let subschemas: [SchemaNode]
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.allOf(AllOfKeyword(subschemas: try site.subschemaArray(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        var valid = true
        for (i, node) in subschemas.enumerated()
        where !e.evaluate(node, instance, via: location.name, String(i), evaluated: &evaluated) {
            valid = false
            if e.stopsAtFirstFailure { return false }
        }
        return valid
    }
}
