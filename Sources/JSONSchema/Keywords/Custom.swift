import JSONCore

/// A keyword of a custom ``Vocabulary``, wrapped so the engine can locate its failures and annotations.
struct CustomKeywordValidator {
    let keyword: any CustomKeyword
    let location: KeywordLocation

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        switch keyword.evaluate(instance) {
        case .valid:
            return true
        case .annotation(let value):
            if let wanted = e.annotatedKeywords, wanted.contains(location.name) { e.annotate(location, value) }
            return true
        case .invalid(let message):
            e.fail(location, message)
            return false
        }
    }
}
