import JSONCore

/// `enum`: the instance equals one of the values (JSON Schema equality).
struct EnumKeyword {
    let values: [JSONValue]
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        guard case .array(let values) = site.value else { throw site.invalid("must be an array") }
        return .validator(.enum(EnumKeyword(values: values, location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        if values.contains(instance) { return true }
        e.fail(location, "\(describe(instance)) is not one of \(describe(.array(values)))")
        return false
    }
}
