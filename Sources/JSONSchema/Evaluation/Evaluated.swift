/// Which members and elements of one instance the adjacent keywords of a subschema evaluated successfully:
/// the annotations `unevaluatedProperties` and `unevaluatedItems` depend on.
///
/// Only built when a schema holds one of those two keywords; otherwise every evaluation passes `nil`.
/// Members are kept by position in the object (keys are unique), which is cheaper than by key and immune
/// to `String`'s canonical-equivalence comparison.
struct Evaluated {
    var allProperties = false
    var properties: Set<Int> = []
    /// Elements `0..<itemPrefix` were evaluated (`prefixItems`).
    var itemPrefix = 0
    var allItems = false
    var items: Set<Int> = []

    mutating func merge(_ other: Evaluated) {
        allProperties = allProperties || other.allProperties
        if !allProperties { properties.formUnion(other.properties) }
        itemPrefix = max(itemPrefix, other.itemPrefix)
        allItems = allItems || other.allItems
        if !allItems { items.formUnion(other.items) }
    }

    func isEvaluated(property position: Int) -> Bool { allProperties || properties.contains(position) }
    func isEvaluated(item index: Int) -> Bool { allItems || index < itemPrefix || items.contains(index) }
}
