import JSONCore

/// `properties`: each member named here must be valid against its subschema.
struct PropertiesKeyword {
    let properties: FrozenArray<(name: String, node: NodeRef)>
    unowned(unsafe) let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.properties(PropertiesKeyword(properties: site.freeze(try site.subschemaMap().map { ($0.name, NodeRef($0.node)) }), location: site.location())))
    }

    @inline(never)
    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        for (name, node) in properties {
            guard let position = object.memberPosition(name) else { continue }
            if e.evaluate(node, object.values[position], via: location, .name(name), at: .member(name)) {
                evaluated?.properties.insert(position)
            } else {
                valid = false
                if e.stopsAtFirstFailure { return false }
            }
        }
        return valid
    }
}
