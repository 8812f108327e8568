import JSONCore

/// `not`: the instance must be invalid against the subschema. The subschema's own failures and
/// annotations are dropped either way.
struct NotKeyword {
    let subschema: SchemaNode
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.not(NotKeyword(subschema: try site.subschema(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        let mark = e.errors.count
        let annotationMark = e.annotations.count
        let innerValid = e.evaluate(subschema, instance, via: location.name)
        e.discardFailures(since: mark)
        if e.annotations.count > annotationMark { e.annotations.removeSubrange(annotationMark...) }
        if innerValid {
            e.fail(location, "\(describe(instance)) should not be valid under the 'not' schema")
        }
        return !innerValid
    }
}
