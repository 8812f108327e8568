import JSONCore

/// `pattern`: a string matches the ECMA-262 regular expression (anywhere: it is not anchored).
struct PatternKeyword {
    unowned(unsafe) let regex: ECMARegex
    unowned(unsafe) let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        .validator(.pattern(PatternKeyword(regex: try site.regex(try site.string()), location: site.location())))
    }

    @inline(never)
    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard case .string(let text) = instance else { return true }
        do {
            if try regex.matches(text, memo: e.memo) { return true }
            e.fail(location, "\(describe(instance)) does not match \(describe(.string(regex.source)))")
        } catch {
            e.fail(location, "\(describe(instance)) could not be matched against \(describe(.string(regex.source))): \(error.message)")
        }
        return false
    }
}
