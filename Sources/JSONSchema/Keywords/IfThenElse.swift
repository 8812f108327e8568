import JSONCore

/// `if` with `then` and `else`: when the instance is valid against `if`, it must be valid against `then`,
/// otherwise against `else`. `then` and `else` alone do nothing, and neither does a lone `if` except
/// annotate.
struct IfKeyword {
    let condition: SchemaNode
    let then: SchemaNode?
    let otherwise: SchemaNode?
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        let condition = try site.subschema()
        var branches = site
        branches.keyword = "then"
        let then = site.sibling("then") == nil ? nil : try branches.subschema()
        branches.keyword = "else"
        let otherwise = site.sibling("else") == nil ? nil : try branches.subschema()
        return .validator(
            .ifThenElse(IfKeyword(condition: condition, then: then, otherwise: otherwise, location: site.location())))
    }

    /// `then` and `else` are compiled by `if`; alone they are only checked to be schemas.
    static func compileBranch(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        _ = try site.subschema()
        return .checked
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        let mark = e.errors.count
        if e.evaluate(condition, instance, via: "if", evaluated: &evaluated) {
            guard let then else { return true }
            return e.evaluate(then, instance, via: "then", evaluated: &evaluated)
        }
        e.discardFailures(since: mark)
        guard let otherwise else { return true }
        return e.evaluate(otherwise, instance, via: "else", evaluated: &evaluated)
    }
}
