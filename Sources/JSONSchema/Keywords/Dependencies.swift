import JSONCore

/// `dependencies`, the draft 7 keyword that draft 2019-09 split into `dependentRequired` (array values) and
/// `dependentSchemas` (schema values). Still honoured, as the specification suggests for compatibility,
/// because schemas written for older drafts keep using it.
enum DependenciesKeyword {
    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        guard case .object(let members) = site.value else { throw site.invalid("must be an object") }
        var required: [(String, [String])] = []
        var schemas: [(String, SchemaNode)] = []
        for (name, value) in members {
            if case .array = value {
                required.append((name, try SchemaObjectSite.uniqueStrings(value, site: site, at: [name])))
            } else {
                schemas.append((name, try site.subschema(name)))
            }
        }
        let location = site.location()
        var keywords: [CompiledKeyword] = []
        if !required.isEmpty {
            keywords.append(.dependentRequired(DependentRequiredKeyword(dependencies: required, location: location)))
        }
        if !schemas.isEmpty {
            keywords.append(.dependentSchemas(DependentSchemasKeyword(dependencies: schemas, location: location)))
        }
        if keywords.count == 1 { return .validator(keywords[0]) }
        guard !keywords.isEmpty else { return .checked }
        return .validator(.allOfKeywords(keywords))
    }
}
