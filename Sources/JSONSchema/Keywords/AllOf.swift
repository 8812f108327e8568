import JSONCore

/// `allOf`: the instance must be valid against every subschema.
struct AllOfKeyword {
    let subschemas: FrozenArray<NodeRef>
    unowned(unsafe) let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.allOf(AllOfKeyword(subschemas: site.freezeNodes(try site.subschemaArray()), location: site.location())))
    }

    @inline(never)
    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        var valid = true
        for (i, reference) in subschemas.enumerated()
        where !e.evaluate(reference, instance, via: location, .index(i), evaluated: &evaluated) {
            valid = false
            if e.stopsAtFirstFailure { return false }
        }
        return valid
    }
}
