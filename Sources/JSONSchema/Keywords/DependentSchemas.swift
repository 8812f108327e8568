import JSONCore

/// `dependentSchemas`: when a member is present, the whole object must be valid against its subschema.
struct DependentSchemasKeyword {
    let dependencies: [(name: String, node: SchemaNode)]
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(
            .dependentSchemas(DependentSchemasKeyword(dependencies: try site.subschemaMap(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        for (name, node) in dependencies where object.memberPosition(name) != nil {
            if !e.evaluate(node, instance, via: location.name, name, evaluated: &evaluated) {
                valid = false
                if e.stopsAtFirstFailure { return false }
            }
        }
        return valid
    }
}
