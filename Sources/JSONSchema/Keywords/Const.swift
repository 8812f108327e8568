import JSONCore

/// `const`: the instance equals the value (JSON Schema equality).
struct ConstKeyword {
    let value: JSONValue
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.const(ConstKeyword(value: site.value, location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        if instance == value { return true }
        e.fail(location, "\(describe(value)) was expected, not \(describe(instance))")
        return false
    }
}
