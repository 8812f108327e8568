import JSONCore

/// `propertyNames`: every member name, as a string instance, must be valid against the subschema.
struct PropertyNamesKeyword {
    let subschema: SchemaNode
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.propertyNames(PropertyNamesKeyword(subschema: try site.subschema(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        for name in object.keys where !e.evaluate(subschema, .string(name), via: location.name) {
            valid = false
            if e.stopsAtFirstFailure { return false }
        }
        return valid
    }
}
