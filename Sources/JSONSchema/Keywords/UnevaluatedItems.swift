import JSONCore

/// `unevaluatedItems`: elements that no adjacent keyword evaluated successfully must be valid against the
/// subschema.
struct UnevaluatedItemsKeyword {
    let subschema: NodeRef
    unowned(unsafe) let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.unevaluatedItems(UnevaluatedItemsKeyword(subschema: NodeRef(try site.subschema()), location: site.location())))
    }

    @inline(never)
    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        guard case .array(let elements) = instance else { return true }
        var valid = true
        for (i, element) in elements.enumerated() where !(evaluated?.isEvaluated(item: i) ?? false) {
            if e.evaluate(subschema, element, via: location, at: .element(i)) {
                evaluated?.items.insert(i)
            } else {
                valid = false
                if e.stopsAtFirstFailure { return false }
            }
        }
        return valid
    }
}
