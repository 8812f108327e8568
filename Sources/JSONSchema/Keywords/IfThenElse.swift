import JSONCore

/// `if` with `then` and `else`: when the instance is valid against `if`, it must be valid against `then`,
/// otherwise against `else`. `then` and `else` alone do nothing, and neither does a lone `if` except
/// annotate.
struct IfKeyword {
    let condition: NodeRef
    let then: NodeRef?
    let otherwise: NodeRef?
    unowned(unsafe) let thenLocation: KeywordLocation
    unowned(unsafe) let elseLocation: KeywordLocation
    unowned(unsafe) let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        let condition = try site.subschema()
        var branches = site
        branches.keyword = "then"
        let then = site.sibling("then") == nil ? nil : try branches.subschema()
        branches.keyword = "else"
        let otherwise = site.sibling("else") == nil ? nil : try branches.subschema()
        return .validator(
            .ifThenElse(
                IfKeyword(
                    condition: NodeRef(condition), then: then.map { NodeRef($0) }, otherwise: otherwise.map { NodeRef($0) }, thenLocation: site.location("then"),
                    elseLocation: site.location("else"), location: site.location())))
    }

    /// `then` and `else` are compiled by `if`; alone they are only checked to be schemas.
    static func compileBranch(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        _ = try site.subschema()
        return .checked
    }

    @inline(never)
    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        let mark = e.errors.count
        if e.evaluate(condition, instance, via: location, evaluated: &evaluated) {
            guard let then else { return true }
            return e.evaluate(then, instance, via: thenLocation, evaluated: &evaluated)
        }
        e.discardFailures(since: mark)
        guard let otherwise else { return true }
        return e.evaluate(otherwise, instance, via: elseLocation, evaluated: &evaluated)
    }
}
