import JSONCore

/// The target of a reference, filled once the compiler has resolved it (after the referring schema is
/// compiled, so that cycles are possible).
///
/// `@unchecked Sendable`: written once by the compiler before the tree is published, read-only after.
final class ReferenceTarget: @unchecked Sendable {
    var node: SchemaNode!
    /// For `$dynamicRef`: the anchor name when the static target declares the same `$dynamicAnchor`
    /// (the "bookend" that enables dynamic resolution); `nil` makes it behave as `$ref`.
    var dynamicAnchor: String?
}

/// `$ref`: the instance must be valid against the referenced schema.
struct RefKeyword {
    let target: ReferenceTarget
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        let reference = try site.string()
        let target = ReferenceTarget()
        site.compiler.resolveLater(
            reference, base: site.base, location: site.location().absolute, into: target, isDynamic: false)
        return .validator(.ref(RefKeyword(target: target, location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        follow(target.node, instance, &e, &evaluated, location: location)
    }
}

/// Evaluates a reference's target in place, refusing to re-enter a target already being evaluated at the
/// same instance depth: that evaluation could only recurse forever.
func follow(
    _ node: SchemaNode, _ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?,
    location: KeywordLocation
) -> Bool {
    let identity = ObjectIdentifier(node)
    for active in e.activeReferences where active.node == identity && active.depth == e.instanceDepth {
        e.fail(location, "infinite recursion: \(node.location) is re-entered for the same instance")
        return false
    }
    e.activeReferences.append((identity, e.instanceDepth))
    let entersResource = e.tracksDynamicScope && e.dynamicScope.last !== node.enclosingResource
    if entersResource { e.dynamicScope.append(node.enclosingResource) }
    let valid = e.evaluate(node, instance, via: location.name, evaluated: &evaluated)
    if entersResource { e.dynamicScope.removeLast() }
    e.activeReferences.removeLast()
    return valid
}
