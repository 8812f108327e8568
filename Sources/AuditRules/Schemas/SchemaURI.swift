import JSONSchema

/// Reference resolution for the schemas' own `$id`s and `$ref`s: RFC 3986's, the schema engine's
/// (`URIReference`), so that the annotation tree and the validator resolve a reference alike.
enum SchemaURI {
    /// `reference` resolved against `base`.
    static func resolve(_ reference: String, against base: String) -> String {
        URIReference(reference).resolved(against: URIReference(base)).description
    }

    /// `uri` without its fragment, and the fragment (after `#`), if it has one.
    static func splitFragment(_ uri: String) -> (String, String?) {
        guard let hash = uri.utf8.firstIndex(of: UInt8(ascii: "#")) else { return (uri, nil) }
        return (String(uri[..<hash]), String(uri[uri.utf8.index(after: hash)...]))
    }
}
