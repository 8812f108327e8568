import JSONCore

/// `oneOf`: the instance must be valid against exactly one subschema.
struct OneOfKeyword {
    let subschemas: [SchemaNode]
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.oneOf(OneOfKeyword(subschemas: try site.subschemaArray(), location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        let mark = e.errors.count
        let annotationMark = e.annotations.count
        var passing: [Int] = []
        var passed: Evaluated? = nil
        for (i, node) in subschemas.enumerated() {
            var branch: Evaluated? = evaluated == nil ? nil : Evaluated()
            if e.evaluate(node, instance, via: location.name, String(i), evaluated: &branch) {
                passing.append(i)
                passed = branch
                if passing.count > 1 && e.stopsAtFirstFailure { return false }
            }
        }
        switch passing.count {
        case 1:
            e.discardFailures(since: mark)
            if let passed { evaluated!.merge(passed) }
            return true
        case 0:
            e.fail(location, since: mark, "\(describe(instance)) is not valid under any of the given schemas")
        default:
            e.discardFailures(since: mark)
            let list = passing.map(String.init).joined(separator: ", ")
            e.fail(location, "\(describe(instance)) is valid under more than one of the given schemas (\(list))")
        }
        if e.annotations.count > annotationMark { e.annotations.removeSubrange(annotationMark...) }
        return false
    }
}
