import JSONCore

/// The target of a reference, filled once the compiler has resolved it (after the referring schema is
/// compiled, so that cycles are possible).
///
/// `@unchecked Sendable`: written once by the compiler before the tree is published, read-only after.
final class ReferenceTarget: @unchecked Sendable {
    var node: SchemaNode! {
        didSet { reference = NodeRef(node) }
    }
    /// The same node, for calls that must not retain it.
    private(set) var reference: NodeRef!
    /// For `$dynamicRef`: the anchor name when the static target declares the same `$dynamicAnchor`
    /// (the "bookend" that enables dynamic resolution); `nil` makes it behave as `$ref`.
    var dynamicAnchor: String?
    /// Whether this reference lies on a cycle of in-place applicators (found after compilation by
    /// ``Compiler``), the only way an evaluation can re-enter it for the same instance. Only such
    /// references pay for recursion tracking; `$dynamicRef`, whose target is only known while validating,
    /// always does.
    var mayRecurseInPlace = true
}

/// `$ref`: the instance must be valid against the referenced schema.
struct RefKeyword {
    unowned(unsafe) let target: ReferenceTarget
    unowned(unsafe) let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        let reference = try site.string()
        let target = site.compiler.keep(ReferenceTarget())
        site.compiler.resolveLater(
            reference, base: site.base, location: site.location().absolute, into: target, isDynamic: false)
        return .validator(.ref(RefKeyword(target: target, location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        if !target.mayRecurseInPlace && !e.tracksDynamicScope {
            return e.evaluate(target.reference, instance, via: location, evaluated: &evaluated)
        }
        return follow(target.reference, instance, &e, &evaluated, location: location)
    }
}

/// Evaluates a reference's target in place, refusing to re-enter a target already being evaluated at the
/// same instance depth: that evaluation could only recurse forever.
func follow(
    _ reference: NodeRef, _ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?,
    location: KeywordLocation
) -> Bool {
    let node = reference.node
    let identity = ObjectIdentifier(node)
    for active in e.activeReferences where active.node == identity && active.depth == e.instanceDepth {
        e.fail(location, "infinite recursion: \(node.location) is re-entered for the same instance")
        return false
    }
    e.activeReferences.append((identity, e.instanceDepth))
    let entersResource = e.tracksDynamicScope && e.dynamicScope.last !== node.enclosingResource
    if entersResource { e.dynamicScope.append(node.enclosingResource) }
    let valid = e.evaluate(reference, instance, via: location, evaluated: &evaluated)
    if entersResource { e.dynamicScope.removeLast() }
    e.activeReferences.removeLast()
    return valid
}
