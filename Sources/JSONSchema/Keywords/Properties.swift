import JSONCore

/// `properties`: each member named here must be valid against its subschema.
struct PropertiesKeyword {
    let properties: [(name: String, node: SchemaNode)]
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.properties(PropertiesKeyword(properties: try site.subschemaMap(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        for (name, node) in properties {
            guard let position = object.memberPosition(name) else { continue }
            if e.evaluate(node, object.values[position], via: location.name, name, at: .member(name)) {
                evaluated?.properties.insert(position)
            } else {
                valid = false
                if e.stopsAtFirstFailure { return false }
            }
        }
        return valid
    }
}
