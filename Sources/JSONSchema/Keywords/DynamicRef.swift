import JSONCore

/// `$dynamicRef`: like `$ref`, except that when the statically resolved target declares a matching
/// `$dynamicAnchor`, the target is the outermost schema resource in the dynamic scope declaring that anchor.
struct DynamicRefKeyword {
    let target: ReferenceTarget
    let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        let reference = try site.string()
        let target = ReferenceTarget()
        let fragment = URIReference(reference).fragment
        let registry = site.compiler.registry
        let base = site.base
        site.compiler.noteDynamicReference()
        site.compiler.resolveLater(reference, base: base, location: site.location().absolute) { node in
            target.node = node
            if let fragment, !fragment.hasPrefix("/"), !fragment.isEmpty,
                let place = try? registry.resolve(reference, against: base),
                registry.value(at: place)?["$dynamicAnchor"] == .string(fragment)
            {
                target.dynamicAnchor = fragment
            }
        }
        return .validator(.dynamicRef(DynamicRefKeyword(target: target, location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        var node: SchemaNode = target.node
        if let anchor = target.dynamicAnchor {
            for resource in e.dynamicScope {
                if let dynamic = resource.dynamicAnchors[anchor] {
                    node = dynamic
                    break
                }
            }
        }
        return follow(node, instance, &e, &evaluated, location: location)
    }
}
