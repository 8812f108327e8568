import JSONCore

/// The keywords of the meta-data and content vocabularies: annotations whose values are checked here and
/// reported only when an evaluation collects annotations.
enum AnnotationKeywords {
    static func compileString(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        _ = try site.string()
        return .annotation
    }

    static func compileBoolean(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        _ = try site.boolean()
        return .annotation
    }

    static func compileArray(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        guard case .array = site.value else { throw site.invalid("must be an array") }
        return .annotation
    }

    static func compileAny(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation { .annotation }

    /// `contentSchema`: compiled so that a bad one is reported, but never applied (content is not decoded).
    static func compileSchema(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        _ = try site.subschema()
        return .annotation
    }
}
