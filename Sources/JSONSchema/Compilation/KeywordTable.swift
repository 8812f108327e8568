import JSONCore

/// Every draft 2020-12 keyword: the vocabulary it belongs to and its compile step.
enum KeywordTable {
    typealias Compile = @Sendable (SchemaObjectSite) throws(SchemaError) -> KeywordCompilation
    struct Entry: Sendable {
        /// The keyword applies when the dialect has any of these vocabularies.
        let vocabularies: [String]
        let compile: Compile
    }

    static func entry(_ vocabularies: String..., compile: @escaping Compile) -> Entry {
        Entry(vocabularies: vocabularies, compile: compile)
    }

    static let entries: [String: Entry] = [
        // Core: always on.
        "$schema": entry(Dialect.core, compile: CoreKeywords.compileSchema),
        "$id": entry(Dialect.core, compile: CoreKeywords.compileID),
        "$anchor": entry(Dialect.core, compile: CoreKeywords.compileAnchor),
        "$dynamicAnchor": entry(Dialect.core, compile: CoreKeywords.compileAnchor),
        "$ref": entry(Dialect.core, compile: RefKeyword.compile),
        "$dynamicRef": entry(Dialect.core, compile: DynamicRefKeyword.compile),
        "$vocabulary": entry(Dialect.core, compile: CoreKeywords.compileVocabulary),
        "$comment": entry(Dialect.core, compile: CoreKeywords.compileComment),
        "$defs": entry(Dialect.core, compile: CoreKeywords.compileDefinitions),
        // Applicator.
        "prefixItems": entry(Dialect.applicator, compile: PrefixItemsKeyword.compile),
        "items": entry(Dialect.applicator, compile: ItemsKeyword.compile),
        "contains": entry(Dialect.applicator, compile: ContainsKeyword.compile),
        "additionalProperties": entry(Dialect.applicator, compile: AdditionalPropertiesKeyword.compile),
        "properties": entry(Dialect.applicator, compile: PropertiesKeyword.compile),
        "patternProperties": entry(Dialect.applicator, compile: PatternPropertiesKeyword.compile),
        "dependentSchemas": entry(Dialect.applicator, compile: DependentSchemasKeyword.compile),
        "propertyNames": entry(Dialect.applicator, compile: PropertyNamesKeyword.compile),
        "if": entry(Dialect.applicator, compile: IfKeyword.compile),
        "then": entry(Dialect.applicator, compile: IfKeyword.compileBranch),
        "else": entry(Dialect.applicator, compile: IfKeyword.compileBranch),
        "allOf": entry(Dialect.applicator, compile: AllOfKeyword.compile),
        "anyOf": entry(Dialect.applicator, compile: AnyOfKeyword.compile),
        "oneOf": entry(Dialect.applicator, compile: OneOfKeyword.compile),
        "not": entry(Dialect.applicator, compile: NotKeyword.compile),
        // Unevaluated.
        "unevaluatedItems": entry(Dialect.unevaluated, compile: UnevaluatedItemsKeyword.compile),
        "unevaluatedProperties": entry(Dialect.unevaluated, compile: UnevaluatedPropertiesKeyword.compile),
        // Validation.
        "type": entry(Dialect.validation, compile: TypeKeyword.compile),
        "const": entry(Dialect.validation, compile: ConstKeyword.compile),
        "enum": entry(Dialect.validation, compile: EnumKeyword.compile),
        "multipleOf": entry(Dialect.validation, compile: MultipleOfKeyword.compile),
        "maximum": entry(Dialect.validation, compile: MaximumKeyword.compile),
        "exclusiveMaximum": entry(Dialect.validation, compile: ExclusiveMaximumKeyword.compile),
        "minimum": entry(Dialect.validation, compile: MinimumKeyword.compile),
        "exclusiveMinimum": entry(Dialect.validation, compile: ExclusiveMinimumKeyword.compile),
        "maxLength": entry(Dialect.validation, compile: MaxLengthKeyword.compile),
        "minLength": entry(Dialect.validation, compile: MinLengthKeyword.compile),
        "pattern": entry(Dialect.validation, compile: PatternKeyword.compile),
        "maxItems": entry(Dialect.validation, compile: MaxItemsKeyword.compile),
        "minItems": entry(Dialect.validation, compile: MinItemsKeyword.compile),
        "uniqueItems": entry(Dialect.validation, compile: UniqueItemsKeyword.compile),
        "maxContains": entry(Dialect.validation, compile: ContainsKeyword.compileBound),
        "minContains": entry(Dialect.validation, compile: ContainsKeyword.compileBound),
        "maxProperties": entry(Dialect.validation, compile: MaxPropertiesKeyword.compile),
        "minProperties": entry(Dialect.validation, compile: MinPropertiesKeyword.compile),
        "required": entry(Dialect.validation, compile: RequiredKeyword.compile),
        "dependentRequired": entry(Dialect.validation, compile: DependentRequiredKeyword.compile),
        // Meta-data.
        "title": entry(Dialect.metaData, compile: AnnotationKeywords.compileString),
        "description": entry(Dialect.metaData, compile: AnnotationKeywords.compileString),
        "default": entry(Dialect.metaData, compile: AnnotationKeywords.compileAny),
        "deprecated": entry(Dialect.metaData, compile: AnnotationKeywords.compileBoolean),
        "readOnly": entry(Dialect.metaData, compile: AnnotationKeywords.compileBoolean),
        "writeOnly": entry(Dialect.metaData, compile: AnnotationKeywords.compileBoolean),
        "examples": entry(Dialect.metaData, compile: AnnotationKeywords.compileArray),
        // Format.
        "format": entry(Dialect.formatAnnotation, Dialect.formatAssertionVocabulary, compile: FormatKeyword.compile),
        // Content.
        "contentEncoding": entry(Dialect.content, compile: AnnotationKeywords.compileString),
        "contentMediaType": entry(Dialect.content, compile: AnnotationKeywords.compileString),
        "contentSchema": entry(Dialect.content, compile: AnnotationKeywords.compileSchema),
    ]
}

/// A compiled keyword. An enum rather than an existential, so the evaluation loop dispatches with one
/// `switch` and every keyword's `evaluate` is a direct, inlinable call.
enum CompiledKeyword: Sendable {
    case type(TypeKeyword)
    case `enum`(EnumKeyword)
    case const(ConstKeyword)
    case multipleOf(MultipleOfKeyword)
    case maximum(MaximumKeyword)
    case exclusiveMaximum(ExclusiveMaximumKeyword)
    case minimum(MinimumKeyword)
    case exclusiveMinimum(ExclusiveMinimumKeyword)
    case maxLength(MaxLengthKeyword)
    case minLength(MinLengthKeyword)
    case pattern(PatternKeyword)
    case format(FormatKeyword)
    case maxItems(MaxItemsKeyword)
    case minItems(MinItemsKeyword)
    case uniqueItems(UniqueItemsKeyword)
    case maxProperties(MaxPropertiesKeyword)
    case minProperties(MinPropertiesKeyword)
    case required(RequiredKeyword)
    case dependentRequired(DependentRequiredKeyword)
    case properties(PropertiesKeyword)
    case patternProperties(PatternPropertiesKeyword)
    case additionalProperties(AdditionalPropertiesKeyword)
    case propertyNames(PropertyNamesKeyword)
    case dependentSchemas(DependentSchemasKeyword)
    case prefixItems(PrefixItemsKeyword)
    case items(ItemsKeyword)
    case contains(ContainsKeyword)
    case allOf(AllOfKeyword)
    case anyOf(AnyOfKeyword)
    case oneOf(OneOfKeyword)
    case not(NotKeyword)
    case ifThenElse(IfKeyword)
    case ref(RefKeyword)
    case dynamicRef(DynamicRefKeyword)
    case unevaluatedProperties(UnevaluatedPropertiesKeyword)
    case unevaluatedItems(UnevaluatedItemsKeyword)
    case custom(CustomKeywordValidator)

    @inline(__always)
    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        switch self {
        case .type(let k): k.evaluate(instance, &e)
        case .enum(let k): k.evaluate(instance, &e)
        case .const(let k): k.evaluate(instance, &e)
        case .multipleOf(let k): k.evaluate(instance, &e)
        case .maximum(let k): k.evaluate(instance, &e)
        case .exclusiveMaximum(let k): k.evaluate(instance, &e)
        case .minimum(let k): k.evaluate(instance, &e)
        case .exclusiveMinimum(let k): k.evaluate(instance, &e)
        case .maxLength(let k): k.evaluate(instance, &e)
        case .minLength(let k): k.evaluate(instance, &e)
        case .pattern(let k): k.evaluate(instance, &e)
        case .format(let k): k.evaluate(instance, &e)
        case .maxItems(let k): k.evaluate(instance, &e)
        case .minItems(let k): k.evaluate(instance, &e)
        case .uniqueItems(let k): k.evaluate(instance, &e)
        case .maxProperties(let k): k.evaluate(instance, &e)
        case .minProperties(let k): k.evaluate(instance, &e)
        case .required(let k): k.evaluate(instance, &e)
        case .dependentRequired(let k): k.evaluate(instance, &e)
        case .properties(let k): k.evaluate(instance, &e, &evaluated)
        case .patternProperties(let k): k.evaluate(instance, &e, &evaluated)
        case .additionalProperties(let k): k.evaluate(instance, &e, &evaluated)
        case .propertyNames(let k): k.evaluate(instance, &e)
        case .dependentSchemas(let k): k.evaluate(instance, &e, &evaluated)
        case .prefixItems(let k): k.evaluate(instance, &e, &evaluated)
        case .items(let k): k.evaluate(instance, &e, &evaluated)
        case .contains(let k): k.evaluate(instance, &e, &evaluated)
        case .allOf(let k): k.evaluate(instance, &e, &evaluated)
        case .anyOf(let k): k.evaluate(instance, &e, &evaluated)
        case .oneOf(let k): k.evaluate(instance, &e, &evaluated)
        case .not(let k): k.evaluate(instance, &e)
        case .ifThenElse(let k): k.evaluate(instance, &e, &evaluated)
        case .ref(let k): k.evaluate(instance, &e, &evaluated)
        case .dynamicRef(let k): k.evaluate(instance, &e, &evaluated)
        case .unevaluatedProperties(let k): k.evaluate(instance, &e, &evaluated)
        case .unevaluatedItems(let k): k.evaluate(instance, &e, &evaluated)
        case .custom(let k): k.evaluate(instance, &e)
        }
    }
}
