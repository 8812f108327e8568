import JSONCore

/// One failed assertion, as a JSON Schema output unit (draft 2020-12, section 12.4).
///
/// `keywordLocation` is the path the evaluation took (through `$ref`s); `absoluteKeywordLocation` is where
/// the keyword is written (`URI#/pointer`). Applicators that need one subschema to pass (`anyOf`, `oneOf`,
/// `contains`...) carry the failures of their subschemas as `causes`.
public struct OutputUnit: Sendable, Equatable {
    /// The keyword that failed (`"minimum"`, `"required"`, `"false"` for the false schema).
    public let keyword: String
    public let instanceLocation: JSONPointer
    public let keywordLocation: JSONPointer
    public let absoluteKeywordLocation: String
    public let error: String
    public let causes: [OutputUnit]

    public init(
        keyword: String, instanceLocation: JSONPointer, keywordLocation: JSONPointer,
        absoluteKeywordLocation: String, error: String, causes: [OutputUnit] = []
    ) {
        self.keyword = keyword
        self.instanceLocation = instanceLocation
        self.keywordLocation = keywordLocation
        self.absoluteKeywordLocation = absoluteKeywordLocation
        self.error = error
        self.causes = causes
    }

    /// The unit in the JSON shape of the output format (and of `usage-audit validate --format json`).
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("instanceLocation", .string(instanceLocation.description)),
            ("keywordLocation", .string(keywordLocation.description)),
            ("absoluteKeywordLocation", .string(absoluteKeywordLocation)),
            ("error", .string(error)),
        ]
        if !causes.isEmpty { members.append(("errors", .array(causes.map(\.json)))) }
        return .object(JSONObject(members))
    }
}

/// The result of a full validation.
public struct ValidationResult: Sendable {
    /// The failed assertions, in evaluation order; empty when the instance is valid.
    public let errors: [OutputUnit]
    public var isValid: Bool { errors.isEmpty }

    public init(errors: [OutputUnit]) { self.errors = errors }

    /// The single most useful error to show a person, ranked as python-jsonschema's `best_match` does.
    public var bestMatch: OutputUnit? { BestMatch.select(errors) }
}

/// An annotation a keyword attached to an instance location during a successful evaluation.
public struct Annotation: Sendable, Equatable {
    public let keyword: String
    public let instanceLocation: JSONPointer
    public let keywordLocation: JSONPointer
    public let absoluteKeywordLocation: String
    public let value: JSONValue
}

/// The annotations of the requested keywords, and whether the instance was valid. When it is not, only the
/// annotations of the subschemas that passed remain, as the specification requires.
public struct AnnotationResult: Sendable {
    public let isValid: Bool
    public let annotations: [Annotation]

    /// The annotations grouped by the instance location they describe.
    public var byInstanceLocation: [JSONPointer: [Annotation]] {
        Dictionary(grouping: annotations, by: \.instanceLocation)
    }
}
