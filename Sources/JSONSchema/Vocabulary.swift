import JSONCore

/// A vocabulary beyond draft 2020-12's own, as a value: its URI, the meta-schema describing its keywords,
/// and the function that compiles each of its keywords into a validator.
///
/// The compile function runs once per keyword occurrence and must reject a bad value by throwing (a
/// ``SchemaError`` from ``KeywordSite/invalid(_:)`` keeps its location; any other error is wrapped); what it returns is evaluated for every instance.
public struct Vocabulary: Sendable {
    public let uri: String
    /// The keywords this vocabulary defines.
    public let keywords: Set<String>
    /// The meta-schema for these keywords, registered as a resource under its own `$id` so that a dialect
    /// meta-schema can `$ref` it.
    public let metaSchema: JSONValue?
    public let compile: @Sendable (KeywordSite) throws -> any CustomKeyword

    public init(
        uri: String, keywords: Set<String>, metaSchema: JSONValue? = nil,
        compile: @escaping @Sendable (KeywordSite) throws -> any CustomKeyword
    ) {
        self.uri = uri
        self.keywords = keywords
        self.metaSchema = metaSchema
        self.compile = compile
    }

    /// A vocabulary whose keywords only annotate: each keyword's value is checked by `check` (return a reason
    /// to reject it) and then reported as the annotation wherever its subschema applies.
    public static func annotations(
        uri: String, keywords: Set<String>, metaSchema: JSONValue? = nil,
        check: @escaping @Sendable (_ keyword: String, _ value: JSONValue) -> String? = { _, _ in nil }
    ) -> Vocabulary {
        Vocabulary(uri: uri, keywords: keywords, metaSchema: metaSchema) { (site: KeywordSite) throws in
            if let reason = check(site.keyword, site.value) { throw site.invalid(reason) }
            return AnnotatingKeyword(value: site.value)
        }
    }
}

/// Where a custom keyword appears: its name, its value, the whole schema object around it and its location.
public struct KeywordSite: Sendable {
    public let keyword: String
    public let value: JSONValue
    /// The schema object holding the keyword, for keywords that depend on their siblings.
    public let schema: JSONObject
    /// The absolute location of the keyword, `URI#/pointer`.
    public let location: String

    /// A schema error at this keyword.
    public func invalid(_ message: String) -> SchemaError {
        SchemaError(code: .invalidKeywordValue, message: "'\(keyword)': \(message)", location: location)
    }
}

/// A compiled custom keyword. Must be immutable: one instance serves every thread.
public protocol CustomKeyword: Sendable {
    /// The keyword's verdict on one instance.
    func evaluate(_ instance: JSONValue) -> KeywordOutcome
}

/// What a keyword says about an instance.
public enum KeywordOutcome: Sendable, Equatable {
    /// The instance passes, with nothing to report.
    case valid
    /// The instance passes, and the keyword attaches this annotation at the instance's location (collected
    /// by ``Schema/annotations(of:for:)`` when the subschema as a whole passes).
    case annotation(JSONValue)
    /// The instance fails, for this reason.
    case invalid(String)
}

/// A keyword that always passes and annotates the instance with its own value.
public struct AnnotatingKeyword: CustomKeyword {
    public let value: JSONValue
    public init(value: JSONValue) { self.value = value }
    public func evaluate(_ instance: JSONValue) -> KeywordOutcome { .annotation(value) }
}
