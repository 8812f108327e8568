import JSONCore
import JSONSchema

/// `usage-audit schemas lint`: every schema of the set against its meta-schema (the draft 2020-12
/// meta-schema, or the usage-audit dialect, which adds the privacy vocabulary), every message schema
/// compiled, and the conventions the checker relies on.
public enum SchemaLinter {
    public static func lint(_ schemas: ParslSchemaSet) -> [String] {
        var problems: [String] = []
        let options = EngineSchemaValidator.compileOptions(for: schemas)
        var metaSchemas: [String: Schema] = [:]
        for document in schemas.documents.values.sorted(by: { $0.path < $1.path }) {
            let metaURI = document.json["$schema"]?.stringValue ?? "https://json-schema.org/draft/2020-12/schema"
            if metaSchemas[metaURI] == nil {
                do {
                    metaSchemas[metaURI] = try metaURI.hasPrefix("https://json-schema.org/draft/2020-12/")
                        ? Schema.metaSchema
                        : Schema(compiling: schemas.documents[metaURI]?.json ?? .object(JSONObject()), uri: metaURI, options: options)
                } catch {
                    problems.append("\(document.path): its meta-schema \(metaURI) does not compile: \(error)")
                    continue
                }
            }
            for unit in metaSchemas[metaURI]!.validate(document.json).errors {
                let shown = EngineSchemaValidator.mostSpecific(unit)
                problems.append("\(document.path) at \(shown.instanceLocation.description.isEmpty ? "/" : shown.instanceLocation.description): \(shown.error) (\(shown.absoluteKeywordLocation))")
            }
            do {
                _ = try Schema(compiling: document.json, uri: document.id, options: options)
            } catch {
                problems.append("\(document.path): does not compile: \(error)")
            }
            if document.messageKind != nil {
                if document.generations.isEmpty { problems.append("\(document.path): a message schema needs `generation`") }
                if document.trackingLevel == nil && document.framing == nil {
                    problems.append("\(document.path): a message shape needs `framing`")
                }
            }
        }
        return problems
    }
}
