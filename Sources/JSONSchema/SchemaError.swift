/// Why a schema could not be compiled, and where.
///
/// `location` is the absolute location of the offending keyword (`URI#/json/pointer`), so the message points
/// at the exact place in the exact document, even for a `$ref` target in another resource.
public struct SchemaError: Error, Sendable, CustomStringConvertible {
    /// An extensible code; the names are stable.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A keyword whose value has the wrong type or range (`"minLength": -1`, `"type": "integr"`).
        public static let invalidKeywordValue = Code(rawValue: "invalid-keyword-value")
        /// A schema that is neither an object nor a boolean.
        public static let notASchema = Code(rawValue: "not-a-schema")
        /// `$schema` names a meta-schema that is neither embedded nor mapped by a resource.
        public static let unknownMetaSchema = Code(rawValue: "unknown-meta-schema")
        /// A meta-schema requires a vocabulary this engine does not know.
        public static let unknownVocabulary = Code(rawValue: "unknown-vocabulary")
        /// A `$ref` or `$dynamicRef` whose target cannot be found.
        public static let unresolvedReference = Code(rawValue: "unresolved-reference")
        /// A `pattern` or `patternProperties` key that is not a valid regular expression.
        public static let invalidRegex = Code(rawValue: "invalid-regex")
        /// Two resources claim the same URI.
        public static let duplicateResource = Code(rawValue: "duplicate-resource")
        /// A mapped resource file that cannot be read or is not JSON.
        public static let unreadableResource = Code(rawValue: "unreadable-resource")
    }

    public let code: Code
    /// A one-line explanation.
    public let message: String
    /// The absolute location of the offending schema or keyword, `URI#/pointer`.
    public let location: String

    public init(code: Code, message: String, location: String) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { "schema error at \(location): \(message)" }
}
