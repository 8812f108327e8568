import JSONCore

/// The core keywords that hold no validator of their own: they are checked here and used by the registry
/// (`$id`, `$anchor`, `$dynamicAnchor`), the dialect (`$schema`, `$vocabulary`) or by reference (`$defs`).
enum CoreKeywords {
    static func compileSchema(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        let uri = try site.string()
        guard URIReference(uri).isAbsolute else { throw site.invalid("must be an absolute URI, not '\(uri)'") }
        return .checked
    }

    static func compileID(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        let id = try site.string()
        if let fragment = URIReference(id).fragment, !fragment.isEmpty {
            throw site.invalid("must not have a fragment ('\(id)'); use $anchor to name a subschema")
        }
        return .checked
    }

    /// `$anchor` and `$dynamicAnchor`: a plain name, `^[A-Za-z_][-A-Za-z0-9._]*$`.
    static func compileAnchor(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        let name = try site.string()
        guard let first = name.unicodeScalars.first, first.isASCII,
            first.properties.isAlphabetic || first == "_",
            name.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-._".unicodeScalars.contains($0))
            })
        else { throw site.invalid("must be a plain name matching ^[A-Za-z_][-A-Za-z0-9._]*$, not '\(name)'") }
        return .checked
    }

    static func compileVocabulary(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        guard case .object(let members) = site.value else { throw site.invalid("must be an object") }
        for (uri, required) in members {
            guard URIReference(uri).isAbsolute else { throw site.invalid("keys must be absolute URIs", at: uri) }
            guard case .bool = required else { throw site.invalid("values must be booleans", at: uri) }
        }
        return .checked
    }

    static func compileComment(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        _ = try site.string()
        return .checked
    }

    /// `$defs`: every definition is compiled, so a bad one is an error even when nothing references it.
    static func compileDefinitions(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        _ = try site.subschemaMap()
        return .checked
    }
}
