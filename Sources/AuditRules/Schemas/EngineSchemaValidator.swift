import JSONCore
import JSONSchema

/// The checker's schema validation through the JSONSchema engine: every message schema of the set compiled
/// once (with the set's documents as resources and the privacy vocabulary active), validated with the fast
/// `isValid` first; output units are built only for the rare invalid message.
public struct EngineSchemaValidator: MessageSchemaValidator {
    private let compiled: [String: Schema]
    /// The top-level fields each message schema declares, to point an `additionalProperties` error at the
    /// field that is not allowed rather than at the whole message.
    private let declaredFields: [String: Set<String>]

    public init(schemas: ParslSchemaSet) throws(SchemaSetError) {
        let options = Self.compileOptions(for: schemas)
        // The documents compile independently, on every processor: compiling them is most of a run's start
        // (about 54 million instructions), which is most of what a small capture's check costs.
        let documents = schemas.messageSchemas
        let results = ParallelWork.map(count: documents.count, threads: AuditRun.processorCount, minimumCount: 2) {
            index -> Result<Schema, SchemaError> in
            Result { () throws(SchemaError) in
                try Schema(compiling: documents[index].json, uri: documents[index].id, options: options)
            }
        }
        var compiled: [String: Schema] = [:]
        for (document, result) in zip(documents, results) {
            switch result {
            case .success(let schema): compiled[document.id] = schema
            case .failure(let error):
                throw SchemaSetError(path: document.path, pointer: error.location, message: error.message)
            }
        }
        self.compiled = compiled
        var declaredFields: [String: Set<String>] = [:]
        for (id, tree) in schemas.annotationTrees { declaredFields[id] = ParslSchemaSet.declaredProperties(tree) }
        self.declaredFields = declaredFields
    }

    /// The set's documents as resources, the privacy vocabulary active, no network.
    static func compileOptions(for schemas: ParslSchemaSet) -> CompileOptions {
        var resources = ResourceMap()
        for document in schemas.documents.values { resources.add(document.json, as: document.id) }
        return CompileOptions(resources: resources, vocabularies: [PrivacyVocabulary.vocabulary(in: schemas)])
    }

    public func violations(of message: JSONValue, against schemaID: String) -> [SchemaViolation] {
        guard let schema = compiled[schemaID], !schema.isValid(message) else { return [] }
        return violations(of: message, against: schemaID, schema: schema)
    }

    /// Validity is decided by replaying the trace of an earlier valid message of the same structure, which
    /// runs only the checks on values (`ValidationTrace`); the first message of a structure records it.
    public func violations(of message: JSONValue, against schemaID: String, memo: StructureMemo) -> [SchemaViolation] {
        if let (schema, trace) = memo.replay(for: schemaID) {
            let valid = schema.isValid(message, replaying: trace) ?? schema.isValid(message)
            return valid ? [] : violations(of: message, against: schemaID, schema: schema)
        }
        guard let schema = compiled[schemaID] else { return [] }
        let recorded = schema.recordValidation(of: message)
        // Only a valid message's trace is kept: most messages are valid, and they replay it to the end.
        if recorded.isValid, let trace = recorded.trace { memo.remember(trace, of: schema, for: schemaID) }
        return recorded.isValid ? [] : violations(of: message, against: schemaID, schema: schema)
    }

    /// The violations of a message known to be invalid.
    private func violations(of message: JSONValue, against schemaID: String, schema: Schema) -> [SchemaViolation] {
        var violations: [SchemaViolation] = []
        for unit in schema.validate(message).errors {
            let shown = Self.mostSpecific(unit)
            let violation = SchemaViolation(
                instanceLocation: shown.instanceLocation, keyword: shown.keyword,
                keywordLocation: shown.keywordLocation.description, absoluteKeywordLocation: shown.absoluteKeywordLocation,
                message: shown.error)
            if shown.keyword == "additionalProperties", shown.instanceLocation.isRoot,
                let declared = declaredFields[schemaID], let object = message.objectValue
            {
                let unexpected = object.keys.filter { !declared.contains($0) }
                if !unexpected.isEmpty {
                    for key in unexpected {
                        var each = violation
                        each.instanceLocation = JSONPointer(tokens: [key])
                        each.message = "'\(key)' is not a field of this message (additional properties are not allowed)"
                        violations.append(each)
                    }
                    continue
                }
            }
            violations.append(violation)
        }
        return violations
    }

    /// For an applicator that failed because of its subschemas (`anyOf`, `properties`...), the cause a
    /// person should see: the best match among its causes, followed down.
    ///
    /// A branch that failed on `type` at the value itself is the wrong branch for this instance, not the interesting
    /// failure: when another branch failed on something else, that one is shown (a component object with a
    /// bad member, rather than "is not of type string").
    static func mostSpecific(_ unit: OutputUnit) -> OutputUnit {
        var current = unit
        while !current.causes.isEmpty {
            let informative = current.causes.filter { !rejectsTheType($0, at: current.instanceLocation) }
            let candidates = informative.isEmpty ? current.causes : informative
            guard let best = ValidationResult(errors: candidates).bestMatch else { break }
            current = best
        }
        return current
    }

    /// Whether a cause, followed through single causes, is a `type` failure of the very value its
    /// applicator judged: that branch wanted another kind of value altogether.
    private static func rejectsTheType(_ unit: OutputUnit, at location: JSONPointer) -> Bool {
        var current = unit
        while current.causes.count == 1 { current = current.causes[0] }
        return current.causes.isEmpty && current.keyword == "type" && current.instanceLocation == location
    }
}
