import JSONCore

/// A keyword of a custom ``Vocabulary``, wrapped so the engine can locate its failures and annotations.
struct CustomKeywordValidator {
    /// Boxed, like all compiled data, so that the keyword enum copies without reference counting.
    final class Box: Sendable {
        let keyword: any CustomKeyword
        init(_ keyword: any CustomKeyword) { self.keyword = keyword }
    }

    unowned(unsafe) let box: Box
    unowned(unsafe) let location: KeywordLocation

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        switch box.keyword.evaluate(instance) {
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
