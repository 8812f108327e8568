import JSONCore

/// `unevaluatedProperties`: members that no adjacent keyword (including those reached through in-place
/// applicators and references) evaluated successfully must be valid against the subschema.
struct UnevaluatedPropertiesKeyword {
    let subschema: SchemaNode
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(
            .unevaluatedProperties(UnevaluatedPropertiesKeyword(subschema: try site.subschema(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        var unexpected: [String] = []
        for (position, name) in object.keys.enumerated() where !(evaluated?.isEvaluated(property: position) ?? false) {
            let mark = e.errors.count
            if e.evaluate(subschema, object.values[position], via: location.name, at: .member(name)) {
                evaluated?.properties.insert(position)
            } else {
                valid = false
                if e.stopsAtFirstFailure { return false }
                if subschema.constant == false {
                    e.discardFailures(since: mark)
                    unexpected.append(name)
                }
            }
        }
        if !unexpected.isEmpty {
            let names = unexpected.map { describe(.string($0)) }.joined(separator: ", ")
            e.fail(
                location,
                "unevaluated properties are not allowed (\(names) \(unexpected.count == 1 ? "was" : "were") unexpected)")
        }
        return valid
    }
}
