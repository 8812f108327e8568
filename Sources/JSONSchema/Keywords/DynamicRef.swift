import JSONCore

/// `$dynamicRef`: like `$ref`, except that when the statically resolved target declares a matching
/// `$dynamicAnchor`, the target is the outermost schema resource in the dynamic scope declaring that anchor.
struct DynamicRefKeyword {
    unowned(unsafe) let target: ReferenceTarget
    unowned(unsafe) let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        let reference = try site.string()
        let target = site.compiler.keep(ReferenceTarget())
        site.compiler.noteDynamicReference()
        site.compiler.resolveLater(
            reference, base: site.base, location: site.location().absolute, into: target, isDynamic: true)
        return .validator(.dynamicRef(DynamicRefKeyword(target: target, location: site.location())))
    }

    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        var node: NodeRef = target.reference
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
