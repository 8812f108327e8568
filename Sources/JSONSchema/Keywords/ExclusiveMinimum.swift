import JSONCore

/// `exclusiveMinimum`: a number must not be less than or equal to the exclusive minimum (exact for integers, doubles and their mix).
struct ExclusiveMinimumKeyword {
    unowned(unsafe) let box: ValueBox
    var limit: JSONValue { box.value }
    unowned(unsafe) let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.exclusiveMinimum(ExclusiveMinimumKeyword(box: site.box(try site.number()), location: site.location())))
    }

    /// Whether `instance` passes: what `evaluate` decides, without an evaluation to report to (a replay).
    func holds(_ instance: JSONValue) -> Bool { !(instance.isNumber && JSONNumber.compare(instance, limit) <= 0) }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard !holds(instance) else { return true }
        e.fail(location, "\(describe(instance)) is less than or equal to the exclusive minimum of \(describe(limit))")
        return false
    }
}
