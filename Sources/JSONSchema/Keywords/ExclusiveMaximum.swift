import JSONCore

/// `exclusiveMaximum`: a number must not be greater than or equal to the exclusive maximum (exact for integers, doubles and their mix).
struct ExclusiveMaximumKeyword {
    unowned(unsafe) let box: ValueBox
    var limit: JSONValue { box.value }
    unowned(unsafe) let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.exclusiveMaximum(ExclusiveMaximumKeyword(box: site.box(try site.number()), location: site.location())))
    }

    /// Whether `instance` passes: what `evaluate` decides, without an evaluation to report to (a replay).
    func holds(_ instance: JSONValue) -> Bool { !(instance.isNumber && JSONNumber.compare(instance, limit) >= 0) }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard !holds(instance) else { return true }
        e.fail(location, "\(describe(instance)) is greater than or equal to the exclusive maximum of \(describe(limit))")
        return false
    }
}
