import JSONCore
import JSONSchema

/// The privacy vocabulary as a value: its URI, the meta-schema of its keywords (`Schemas/meta/privacy`), and
/// the compile function that checks each keyword's value against that meta-schema and turns it into an
/// annotation.
public enum PrivacyVocabulary {
    public static let uri = "https://usage-audit.dev/vocab/privacy"
    public static let metaSchemaID = "https://usage-audit.dev/schemas/meta/privacy"
    public static let keywords: Set<String> = [
        "discloses", "minimumLevel", "role", "trackingLevel", "messageKind", "generation", "framing",
    ]

    /// The vocabulary, with the meta-schema taken from the schema set (so `--schemas DIR` may change it).
    public static func vocabulary(in schemas: ParslSchemaSet) -> Vocabulary {
        let metaSchema = schemas.documents[metaSchemaID]?.json
        let keywordSchemas: [String: Schema] = {
            guard let properties = metaSchema?["properties"]?.objectValue else { return [:] }
            var compiled: [String: Schema] = [:]
            for (keyword, schema) in properties where keywords.contains(keyword) {
                compiled[keyword] = try? Schema(compiling: schema, uri: metaSchemaID + "#/properties/" + keyword)
            }
            return compiled
        }()
        return Vocabulary.annotations(uri: uri, keywords: keywords, metaSchema: nil) { keyword, value in
            guard let schema = keywordSchemas[keyword] else { return nil }
            let result = schema.validate(value)
            return result.isValid ? nil : (result.bestMatch?.error ?? "not a valid value")
        }
    }
}
