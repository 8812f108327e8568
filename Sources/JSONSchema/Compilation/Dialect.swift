import JSONCore

/// The vocabularies in force for a schema, decided by its `$schema` meta-schema.
struct Dialect: Hashable {
    /// The URIs of the active vocabularies (draft 2020-12's and registered custom ones).
    var vocabularies: Set<String>
    /// Whether `format` asserts.
    var formatAssertion: Bool

    static let draft202012URI = "https://json-schema.org/draft/2020-12/schema"
    static let vocabularyPrefix = "https://json-schema.org/draft/2020-12/vocab/"
    static let core = vocabularyPrefix + "core"
    static let applicator = vocabularyPrefix + "applicator"
    static let unevaluated = vocabularyPrefix + "unevaluated"
    static let validation = vocabularyPrefix + "validation"
    static let metaData = vocabularyPrefix + "meta-data"
    static let formatAnnotation = vocabularyPrefix + "format-annotation"
    static let formatAssertionVocabulary = vocabularyPrefix + "format-assertion"
    static let content = vocabularyPrefix + "content"

    static let standardVocabularies: Set<String> = [
        core, applicator, unevaluated, validation, metaData, formatAnnotation, formatAssertionVocabulary, content,
    ]

    /// Draft 2020-12 with its default vocabularies, plus every custom one.
    static func standard(formatAssertion: Bool, custom: [Vocabulary]) -> Dialect {
        var vocabularies: Set<String> = [core, applicator, unevaluated, validation, metaData, formatAnnotation, content]
        for vocabulary in custom { vocabularies.insert(vocabulary.uri) }
        return Dialect(vocabularies: vocabularies, formatAssertion: formatAssertion)
    }

    /// Core is always in force: without it there would be no `$schema` to choose a dialect by.
    func has(_ vocabulary: String) -> Bool { vocabulary == Dialect.core || vocabularies.contains(vocabulary) }
}
