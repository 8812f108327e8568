import JSONCore

/// `unevaluatedItems`: elements that no adjacent keyword evaluated successfully must be valid against the
/// subschema.
struct UnevaluatedItemsKeyword {
    let subschema: SchemaNode
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.unevaluatedItems(UnevaluatedItemsKeyword(subschema: try site.subschema(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        guard case .array(let elements) = instance else { return true }
        var valid = true
        for (i, element) in elements.enumerated() where !(evaluated?.isEvaluated(item: i) ?? false) {
            if e.evaluate(subschema, element, via: location.name, at: .element(i)) {
                evaluated?.items.insert(i)
            } else {
                valid = false
                if e.stopsAtFirstFailure { return false }
            }
        }
        return valid
    }
}
