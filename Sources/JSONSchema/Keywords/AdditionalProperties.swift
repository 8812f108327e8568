import JSONCore

/// `additionalProperties`: members named by neither `properties` nor `patternProperties` (its siblings)
/// must be valid against the subschema.
struct AdditionalPropertiesKeyword {
    let subschema: NodeRef
    unowned(unsafe) let declared: PropertyNameSet
    let patterns: FrozenArray<RegexRef>
    /// `additionalProperties: false`, reported as one error naming every unexpected member.
    let forbidsAll: Bool
    unowned(unsafe) let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        let subschema = try site.subschema()
        var names: [String] = []
        if case .object(let properties) = site.sibling("properties") { names = Array(properties.keys) }
        var patterns: [RegexRef] = []
        if case .object(let patternProperties) = site.sibling("patternProperties") {
            var patternSite = site
            patternSite.keyword = "patternProperties"
            for pattern in patternProperties.keys { patterns.append(RegexRef(regex: try patternSite.regex(pattern, at: pattern))) }
        }
        return .validator(
            .additionalProperties(
                AdditionalPropertiesKeyword(
                    subschema: NodeRef(subschema), declared: site.compiler.keep(PropertyNameSet(names)), patterns: site.freeze(patterns),
                    forbidsAll: site.value == .bool(false), location: site.location())))
    }

    @inline(never)
    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        var unexpected: [String] = []
        for (position, name) in object.keys.enumerated() where !declared.contains(name) {
            var matchesPattern = false
            for regex in patterns {
                // A pattern that cannot finish matching was already reported by `patternProperties`.
                if (try? regex.regex.matches(name)) ?? true {
                    matchesPattern = true
                    break
                }
            }
            if matchesPattern { continue }
            if forbidsAll {
                if e.stopsAtFirstFailure { return false }
                unexpected.append(name)
                valid = false
            } else if e.evaluate(subschema, object.values[position], via: location, at: .member(name)) {
                evaluated?.properties.insert(position)
            } else {
                valid = false
                if e.stopsAtFirstFailure { return false }
            }
        }
        if !unexpected.isEmpty {
            let names = unexpected.map { describe(.string($0)) }.joined(separator: ", ")
            e.fail(
                location,
                "additional properties are not allowed (\(names) \(unexpected.count == 1 ? "was" : "were") unexpected)")
        }
        return valid
    }
}
