import JSONCore

/// `patternProperties`: each member whose name matches a pattern must be valid against its subschema.
struct PatternPropertiesKeyword {
    let patterns: [(regex: ECMARegex, node: SchemaNode)]
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        var patterns: [(ECMARegex, SchemaNode)] = []
        for (pattern, node) in try site.subschemaMap() {
            patterns.append((try site.regex(pattern, at: pattern), node))
        }
        return .validator(.patternProperties(PatternPropertiesKeyword(patterns: patterns, location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        for (position, (name, value)) in zip(object.keys, object.values).enumerated() {
            for (regex, node) in patterns {
                let matched: Bool
                do {
                    matched = try regex.matches(name)
                } catch {
                    e.fail(location, "property name \(describe(.string(name))) could not be matched: \(error.message)")
                    return false
                }
                guard matched else { continue }
                if e.evaluate(node, value, via: location.name, regex.source, at: .member(name)) {
                    evaluated?.properties.insert(position)
                } else {
                    valid = false
                    if e.stopsAtFirstFailure { return false }
                }
            }
        }
        return valid
    }
}
