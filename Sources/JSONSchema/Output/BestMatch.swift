/// Picks the error most worth showing, the way python-jsonschema's `best_match` does.
///
/// Errors higher up in the instance (shorter `instanceLocation`) rank first: they say more is wrong. Errors
/// of `anyOf` and `oneOf` are weak (the instance only had to match one branch), so among equals a strong
/// one wins. Once the best is chosen, the search descends into its causes, this time preferring the deepest
/// one, and stops where two causes are equally relevant (no single branch is the obvious culprit).
enum BestMatch {
    private static let weak: Set<String> = ["anyOf", "oneOf"]

    /// Larger is more relevant.
    private static func relevance(_ unit: OutputUnit) -> (Int, Int) {
        (-unit.instanceLocation.tokens.count, weak.contains(unit.keyword) ? 0 : 1)
    }

    private static func precedes(_ a: (Int, Int), _ b: (Int, Int)) -> Bool { a < b }

    static func select(_ errors: [OutputUnit]) -> OutputUnit? {
        guard var best = errors.first else { return nil }
        for candidate in errors.dropFirst() where precedes(relevance(best), relevance(candidate)) {
            best = candidate
        }
        while !best.causes.isEmpty {
            let sorted = best.causes.sorted { precedes(relevance($0), relevance($1)) }
            if sorted.count >= 2, relevance(sorted[0]) == relevance(sorted[1]) { return best }
            best = sorted[0]
        }
        return best
    }
}
