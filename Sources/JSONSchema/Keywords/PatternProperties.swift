import JSONCore

/// `patternProperties`: each member whose name matches a pattern must be valid against its subschema.
struct PatternPropertiesKeyword {
    let patterns: FrozenArray<(regex: RegexRef, node: NodeRef)>
    unowned(unsafe) let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        var patterns: [(RegexRef, NodeRef)] = []
        for (pattern, node) in try site.subschemaMap() {
            patterns.append((RegexRef(regex: try site.regex(pattern, at: pattern)), NodeRef(node)))
        }
        return .validator(.patternProperties(PatternPropertiesKeyword(patterns: site.freeze(patterns), location: site.location())))
    }

    @inline(never)
    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        for (position, (name, value)) in zip(object.keys, object.values).enumerated() {
            for (regex, node) in patterns {
                let matched: Bool
                do {
                    matched = try regex.regex.matches(name)
                } catch {
                    e.fail(location, "property name \(describe(.string(name))) could not be matched: \(error.message)")
                    return false
                }
                guard matched else { continue }
                if e.evaluate(node, value, via: location, .name(regex.regex.source), at: .member(name)) {
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
