import JSONCore

/// `dependentRequired`: when a member is present, the listed members must be present too.
struct DependentRequiredKeyword {
    let dependencies: [(name: String, required: [String])]
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        guard case .object(let members) = site.value else { throw site.invalid("must be an object of string arrays") }
        var dependencies: [(String, [String])] = []
        for (name, value) in members {
            dependencies.append((name, try SchemaObjectSite.uniqueStrings(value, site: site, at: [name])))
        }
        return .validator(.dependentRequired(DependentRequiredKeyword(dependencies: dependencies, location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        for (name, required) in dependencies where object.memberPosition(name) != nil {
            for missing in required where object.memberPosition(missing) == nil {
                valid = false
                if e.stopsAtFirstFailure { return false }
                e.fail(location, "\(describe(.string(missing))) is a dependency of \(describe(.string(name)))")
            }
        }
        return valid
    }
}
