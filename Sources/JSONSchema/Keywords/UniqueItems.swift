import JSONCore

/// `uniqueItems: true`: no two elements are equal (by JSON Schema equality: `1 == 1.0`, objects
/// regardless of member order).
struct UniqueItemsKeyword {
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        try site.boolean() ? .validator(.uniqueItems(UniqueItemsKeyword(location: site.location()))) : .checked
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        guard case .array(let elements) = instance, elements.count > 1 else { return true }
        if let (first, second) = Self.firstDuplicate(elements) {
            e.fail(location, "\(describe(instance)) has non-unique elements (at \(first) and \(second))")
            return false
        }
        return true
    }

    /// Pairwise for short arrays, hashed (`JSONValue`'s hash agrees with its equality) for long ones.
    static func firstDuplicate(_ elements: [JSONValue]) -> (Int, Int)? {
        if elements.count <= 16 {
            for i in elements.indices {
                for j in (i + 1)..<elements.count where elements[i] == elements[j] { return (i, j) }
            }
            return nil
        }
        var seen: [JSONValue: Int] = [:]
        for (i, element) in elements.enumerated() {
            if let earlier = seen[element] { return (earlier, i) }
            seen[element] = i
        }
        return nil
    }
}
