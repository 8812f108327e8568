import JSONCore

/// A compiled JSON Schema (draft 2020-12): immutable, shareable between threads, reusable for any number of
/// instances.
///
/// ```swift
/// let schema = try Schema(compiling: document)
/// schema.isValid(message)                 // fast: no paths, stops at the first failure
/// schema.validate(message).errors         // output units, with `bestMatch` for a person
/// schema.annotations(of: ["x-privacy"], for: message)  // what a keyword says about each location
/// ```
public struct Schema: Sendable {
    let root: SchemaNode
    let usesDynamicReferences: Bool
    /// Owns every node and keyword location; the validator tree refers to them without reference counts.
    let arena: Arena
    /// The URI the schema was compiled under (its `$id` resolves against it).
    public let uri: String

    /// The URI a schema gets when none is given.
    public static let defaultURI = "urn:usage-audit:schema"

    /// Compiles `document`, retrieved from `uri`, with everything it references. Throws a ``SchemaError``
    /// naming the location of the first bad keyword, unknown `$schema` or unresolvable reference.
    public init(compiling document: JSONValue, uri: String = Schema.defaultURI, options: CompileOptions = .init())
        throws(SchemaError)
    {
        let compiler = try Compiler(options: options)
        self.uri = URIReference(uri).withoutFragment.description
        root = try compiler.compile(document, uri: self.uri)
        usesDynamicReferences = compiler.usesDynamicReferences
        arena = Arena(objects: compiler.arena)
    }

    /// `@unchecked Sendable`: holds only compiled objects, none of which changes after compilation.
    final class Arena: @unchecked Sendable {
        let objects: [AnyObject]
        init(objects: [AnyObject]) { self.objects = objects }
    }

    /// Whether `instance` is valid. Builds no paths or messages and stops at the first failing keyword.
    public func isValid(_ instance: JSONValue) -> Bool {
        var evaluation = Evaluation(
            buildsOutput: false, annotatedKeywords: nil, tracksDynamicScope: usesDynamicReferences)
        var evaluated: Evaluated? = nil
        return root.evaluate(instance, &evaluation, &evaluated) && evaluation.overflow == nil
    }

    /// Validates `instance` and reports every failed assertion as an output unit.
    public func validate(_ instance: JSONValue) -> ValidationResult {
        var evaluation = Evaluation(
            buildsOutput: true, annotatedKeywords: nil, tracksDynamicScope: usesDynamicReferences)
        var evaluated: Evaluated? = nil
        let valid = root.evaluate(instance, &evaluation, &evaluated)
        if let overflow = evaluation.overflow { return ValidationResult(errors: [overflow]) }
        if !valid && evaluation.errors.isEmpty {
            // Cannot happen for the built-in keywords; kept so an invalid result never reads as valid.
            return ValidationResult(errors: [
                OutputUnit(
                    keyword: "", instanceLocation: .root, keywordLocation: .root, absoluteKeywordLocation: root.location,
                    error: "instance is not valid")
            ])
        }
        return ValidationResult(errors: evaluation.errors)
    }

    /// Validates `instance` and collects the annotations the named keywords attach to its locations (custom
    /// vocabulary keywords, `title`, `default`, `format`, unknown keywords...). Annotations of subschemas
    /// that failed are dropped, as the specification requires, so a branch of `anyOf` that did not match
    /// contributes nothing.
    public func annotations(of keywords: Set<String>, for instance: JSONValue) -> AnnotationResult {
        var evaluation = Evaluation(
            buildsOutput: false, annotatedKeywords: keywords, tracksDynamicScope: usesDynamicReferences)
        var evaluated: Evaluated? = nil
        let valid = root.evaluate(instance, &evaluation, &evaluated)
        guard evaluation.overflow == nil else { return AnnotationResult(isValid: false, annotations: []) }
        return AnnotationResult(isValid: valid, annotations: evaluation.annotations)
    }
}

extension Schema {
    /// The draft 2020-12 meta-schema, compiled: validates schemas (`usage-audit schemas lint`).
    public static let metaSchema: Schema = {
        do {
            return try Schema(
                compiling: EmbeddedMetaSchemas.document(for: Dialect.draft202012URI)!, uri: Dialect.draft202012URI)
        } catch {
            fatalError("the embedded draft 2020-12 meta-schema does not compile: \(error)")
        }
    }()
}
