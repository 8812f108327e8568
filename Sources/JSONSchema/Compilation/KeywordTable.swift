import JSONCore

/// Every draft 2020-12 keyword: the vocabulary it belongs to and its compile step.
enum KeywordTable {
    /// The vocabularies a keyword belongs to (it applies when the dialect has any of them), and its compile
    /// step; `nil` for a keyword draft 2020-12 does not define.
    ///
    /// A `switch` rather than a dictionary of closures: typed-throwing closures stored in a table crash the
    /// Swift 6.3 compiler, and a switch costs nothing at run time anyway (compilation is once per schema).
    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation? {
        guard let vocabularies = vocabularies(of: site.keyword),
            vocabularies.contains(where: site.dialect.has)
        else { return nil }
        switch site.keyword {
        case "$schema": return try CoreKeywords.compileSchema(site)
        case "$id": return try CoreKeywords.compileID(site)
        case "$anchor": return try CoreKeywords.compileAnchor(site)
        case "$dynamicAnchor": return try CoreKeywords.compileAnchor(site)
        case "$ref": return try RefKeyword.compile(site)
        case "$dynamicRef": return try DynamicRefKeyword.compile(site)
        case "$vocabulary": return try CoreKeywords.compileVocabulary(site)
        case "$comment": return try CoreKeywords.compileComment(site)
        case "$defs": return try CoreKeywords.compileDefinitions(site)
        case "prefixItems": return try PrefixItemsKeyword.compile(site)
        case "items": return try ItemsKeyword.compile(site)
        case "contains": return try ContainsKeyword.compile(site)
        case "additionalProperties": return try AdditionalPropertiesKeyword.compile(site)
        case "properties": return try PropertiesKeyword.compile(site)
        case "patternProperties": return try PatternPropertiesKeyword.compile(site)
        case "dependentSchemas": return try DependentSchemasKeyword.compile(site)
        case "propertyNames": return try PropertyNamesKeyword.compile(site)
        case "if": return try IfKeyword.compile(site)
        case "then": return try IfKeyword.compileBranch(site)
        case "else": return try IfKeyword.compileBranch(site)
        case "allOf": return try AllOfKeyword.compile(site)
        case "anyOf": return try AnyOfKeyword.compile(site)
        case "oneOf": return try OneOfKeyword.compile(site)
        case "not": return try NotKeyword.compile(site)
        case "dependencies": return try DependenciesKeyword.compile(site)
        case "unevaluatedItems": return try UnevaluatedItemsKeyword.compile(site)
        case "unevaluatedProperties": return try UnevaluatedPropertiesKeyword.compile(site)
        case "type": return try TypeKeyword.compile(site)
        case "const": return try ConstKeyword.compile(site)
        case "enum": return try EnumKeyword.compile(site)
        case "multipleOf": return try MultipleOfKeyword.compile(site)
        case "maximum": return try MaximumKeyword.compile(site)
        case "exclusiveMaximum": return try ExclusiveMaximumKeyword.compile(site)
        case "minimum": return try MinimumKeyword.compile(site)
        case "exclusiveMinimum": return try ExclusiveMinimumKeyword.compile(site)
        case "maxLength": return try MaxLengthKeyword.compile(site)
        case "minLength": return try MinLengthKeyword.compile(site)
        case "pattern": return try PatternKeyword.compile(site)
        case "maxItems": return try MaxItemsKeyword.compile(site)
        case "minItems": return try MinItemsKeyword.compile(site)
        case "uniqueItems": return try UniqueItemsKeyword.compile(site)
        case "maxContains": return try ContainsKeyword.compileBound(site)
        case "minContains": return try ContainsKeyword.compileBound(site)
        case "maxProperties": return try MaxPropertiesKeyword.compile(site)
        case "minProperties": return try MinPropertiesKeyword.compile(site)
        case "required": return try RequiredKeyword.compile(site)
        case "dependentRequired": return try DependentRequiredKeyword.compile(site)
        case "title": return try AnnotationKeywords.compileString(site)
        case "description": return try AnnotationKeywords.compileString(site)
        case "default": return try AnnotationKeywords.compileAny(site)
        case "deprecated": return try AnnotationKeywords.compileBoolean(site)
        case "readOnly": return try AnnotationKeywords.compileBoolean(site)
        case "writeOnly": return try AnnotationKeywords.compileBoolean(site)
        case "examples": return try AnnotationKeywords.compileArray(site)
        case "format": return try FormatKeyword.compile(site)
        case "contentEncoding": return try AnnotationKeywords.compileString(site)
        case "contentMediaType": return try AnnotationKeywords.compileString(site)
        case "contentSchema": return try AnnotationKeywords.compileSchema(site)
        default: return nil
        }
    }

    static func vocabularies(of keyword: String) -> [String]? {
        switch keyword {
        case "$schema", "$id", "$anchor", "$dynamicAnchor", "$ref", "$dynamicRef", "$vocabulary", "$comment", "$defs": return [Dialect.core]
        case "prefixItems", "items", "contains", "additionalProperties", "properties", "patternProperties", "dependentSchemas", "propertyNames", "if", "then", "else", "allOf", "anyOf", "oneOf", "not", "dependencies": return [Dialect.applicator]
        case "unevaluatedItems", "unevaluatedProperties": return [Dialect.unevaluated]
        case "type", "const", "enum", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties", "required", "dependentRequired": return [Dialect.validation]
        case "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples": return [Dialect.metaData]
        case "format": return [Dialect.formatAnnotation, Dialect.formatAssertionVocabulary]
        case "contentEncoding", "contentMediaType", "contentSchema": return [Dialect.content]
        default: return nil
        }
    }
}

/// A compiled keyword. An enum rather than an existential, so the evaluation loop dispatches with one
/// `switch` and every keyword's `evaluate` is a direct call. Simple assertions inline into the loop; the
/// applicators, which recurse, and the bulky assertions are `@inline(never)`, which keeps the frame of the
/// recursive ``SchemaNode/evaluate`` small (deep instances recurse deeply) at no measurable cost.
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
    /// Several validators from one keyword (`dependencies`), all of which must pass.
    case allOfKeywords(FrozenArray<CompiledKeyword>)

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
        case .allOfKeywords(let keywords): Self.evaluateAll(keywords, instance, &e, &evaluated)
        }
    }

    /// Whether this keyword's outcome on `instance` can depend on more than the instance's structure (the
    /// types at every place, the member names in order, the array lengths): the assertions on values. A
    /// `type` test is counted among them for a real, whose structure says too little about integrality.
    /// Applicators are not: their outcomes follow from their subschemas', whose keywords say for themselves.
    func readsValues(of instance: JSONValue) -> Bool {
        switch self {
        case .enum, .const, .multipleOf, .maximum, .exclusiveMaximum, .minimum, .exclusiveMinimum, .maxLength,
            .minLength, .pattern, .format, .uniqueItems, .custom:
            return true
        case .type:
            if case .real = instance { return true }
            return false
        case .maxItems, .minItems, .maxProperties, .minProperties, .required, .dependentRequired, .properties,
            .patternProperties, .additionalProperties, .propertyNames, .dependentSchemas, .prefixItems, .items,
            .contains, .allOf, .anyOf, .oneOf, .not, .ifThenElse, .ref, .dynamicRef, .unevaluatedProperties,
            .unevaluatedItems:
            return false
        case .allOfKeywords(let keywords):
            return keywords.contains { $0.readsValues(of: instance) }
        }
    }

    /// The subschemas this keyword applies to the same instance (the edges along which an evaluation can
    /// loop without consuming the instance), as far as they are known before validation.
    var inPlaceSubschemas: [SchemaNode] {
        switch self {
        case .allOf(let k): k.subschemas.map(\.node)
        case .anyOf(let k): k.subschemas.map(\.node)
        case .oneOf(let k): k.subschemas.map(\.node)
        case .not(let k): [k.subschema.node]
        case .ifThenElse(let k): [k.condition.node] + [k.then, k.otherwise].compactMap { $0?.node }
        case .dependentSchemas(let k): k.dependencies.map(\.node.node)
        case .ref(let k): [k.target.node]
        case .dynamicRef(let k): [k.target.node]
        case .allOfKeywords(let keywords): keywords.flatMap(\.inPlaceSubschemas)
        default: []
        }
    }

    private static func evaluateAll(
        _ keywords: FrozenArray<CompiledKeyword>, _ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?
    ) -> Bool {
        var valid = true
        for keyword in keywords where !keyword.evaluate(instance, &e, &evaluated) {
            valid = false
            if e.stopsAtFirstFailure { return false }
        }
        return valid
    }
}
