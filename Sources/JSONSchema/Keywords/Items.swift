import JSONCore

/// `items`: the elements after those `prefixItems` covers must be valid against the subschema.
struct ItemsKeyword {
    let subschema: SchemaNode
    let start: Int
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        if case .array = site.value {
            throw site.invalid("must be a schema; the array form of drafts before 2020-12 is now 'prefixItems'")
        }
        var start = 0
        if case .array(let prefix) = site.sibling("prefixItems") { start = prefix.count }
        return .validator(.items(ItemsKeyword(subschema: try site.subschema(), start: start, location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        guard case .array(let elements) = instance else { return true }
        var valid = true
        if start < elements.count {
            for i in start..<elements.count where !e.evaluate(subschema, elements[i], via: location.name, at: .element(i)) {
                valid = false
                if e.stopsAtFirstFailure { return false }
            }
        }
        if valid { evaluated?.allItems = true }
        return valid
    }
}
