/// How a schema is compiled.
public struct CompileOptions: Sendable {
    /// Whether `format` asserts (fails instances that do not match a known format) rather than only
    /// annotating, as draft 2020-12 does by default. A meta-schema listing the format-assertion vocabulary
    /// turns it on for its schemas whatever this says.
    public var formatAssertion: Bool
    /// Where `$ref` finds documents other than the schema itself and the embedded meta-schemas.
    public var resources: ResourceMap
    /// Vocabularies beyond draft 2020-12's own; their keywords are active in every schema compiled with
    /// these options.
    public var vocabularies: [Vocabulary]
    /// The backtracking budget of one regular-expression match; a match that exceeds it fails validation
    /// with an error rather than running on.
    public var regexMatchLimit: UInt32

    /// The default backtracking budget per match: generous for any sane pattern (a UUID pattern uses well
    /// under a hundred steps), small enough that an exponential one gives up within milliseconds.
    public static let defaultRegexMatchLimit: UInt32 = 1_000_000

    public init(
        formatAssertion: Bool = false, resources: ResourceMap = ResourceMap(), vocabularies: [Vocabulary] = [],
        regexMatchLimit: UInt32 = CompileOptions.defaultRegexMatchLimit
    ) {
        self.formatAssertion = formatAssertion
        self.resources = resources
        self.vocabularies = vocabularies
        self.regexMatchLimit = regexMatchLimit
    }
}
