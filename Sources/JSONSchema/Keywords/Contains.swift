import JSONCore

/// `contains`, with its siblings `minContains` (default 1) and `maxContains`: the number of elements valid
/// against the subschema must lie between the two.
struct ContainsKeyword {
    let subschema: SchemaNode
    let minimum: Int
    let maximum: Int?
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        let subschema = try site.subschema()
        var bounds = site
        bounds.keyword = "minContains"
        var minimum = 1
        if let value = site.sibling("minContains") {
            bounds.value = value
            minimum = try bounds.nonNegativeInteger()
        }
        var maximum: Int?
        if let value = site.sibling("maxContains") {
            bounds.keyword = "maxContains"
            bounds.value = value
            maximum = try bounds.nonNegativeInteger()
        }
        return .validator(
            .contains(ContainsKeyword(subschema: subschema, minimum: minimum, maximum: maximum, location: site.location())))
    }

    /// `minContains` and `maxContains` are used by `contains`; alone they are only checked.
    static func compileBound(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        _ = try site.nonNegativeInteger()
        return .checked
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        guard case .array(let elements) = instance else { return true }
        let mark = e.errors.count
        var matches = 0
        let needsEveryElement = maximum != nil || evaluated != nil || e.annotatedKeywords != nil
        for (i, element) in elements.enumerated() {
            if e.evaluate(subschema, element, via: location.name, at: .element(i)) {
                matches += 1
                evaluated?.items.insert(i)
                if !needsEveryElement && matches >= minimum { break }
            }
        }
        e.discardFailures(since: mark)
        if matches < minimum {
            e.fail(
                location,
                minimum == 1
                    ? "\(describe(instance)) does not contain any element valid against the 'contains' schema"
                    : "\(describe(instance)) contains \(matches) valid elements, fewer than minContains \(minimum)")
            return false
        }
        if let maximum, matches > maximum {
            e.fail(location, "\(describe(instance)) contains \(matches) valid elements, more than maxContains \(maximum)")
            return false
        }
        return true
    }
}
