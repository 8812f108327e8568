import JSONCore

/// `required`: the listed members must be present.
struct RequiredKeyword {
    let names: [String]
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.required(RequiredKeyword(names: try SchemaObjectSite.uniqueStrings(site.value, site: site), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        for name in names where object.memberPosition(name) == nil {
            valid = false
            if e.stopsAtFirstFailure { return false }
            e.fail(location, "\(describe(.string(name))) is a required property")
        }
        return valid
    }
}
