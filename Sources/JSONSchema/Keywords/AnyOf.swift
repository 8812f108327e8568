import JSONCore

/// `anyOf`: the instance must be valid against at least one subschema. When nothing depends on which
/// branches passed (no `unevaluated*`, no annotations), the first passing branch decides.
struct AnyOfKeyword {
    let subschemas: [SchemaNode]
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.anyOf(AnyOfKeyword(subschemas: try site.subschemaArray(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        let mark = e.errors.count
        var valid = false
        let needsEveryBranch = evaluated != nil || e.annotatedKeywords != nil
        for (i, node) in subschemas.enumerated() {
            var branch: Evaluated? = evaluated == nil ? nil : Evaluated()
            if e.evaluate(node, instance, via: location.name, String(i), evaluated: &branch) {
                valid = true
                if let branch { evaluated!.merge(branch) }
                if !needsEveryBranch { break }
            }
        }
        if valid {
            e.discardFailures(since: mark)
        } else {
            e.fail(location, since: mark, "\(describe(instance)) is not valid under any of the given schemas")
        }
        return valid
    }
}
