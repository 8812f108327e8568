/// Just enough of RFC 3986 reference resolution for the schemas' own `$id`s and `$ref`s: absolute
/// `scheme://authority/path` bases, relative paths with `.` and `..`, and fragments.
enum SchemaURI {
    /// `reference` resolved against `base`.
    static func resolve(_ reference: String, against base: String) -> String {
        if reference.contains("://") || reference.hasPrefix("urn:") { return reference }
        let (baseNoFragment, _) = splitFragment(base)
        if reference.hasPrefix("#") { return baseNoFragment + reference }
        let (refPath, refFragment) = splitFragment(reference)
        let fragmentSuffix = refFragment.map { "#" + $0 } ?? ""
        guard let schemeEnd = baseNoFragment.firstRange(of: "://") else { return reference }
        let afterScheme = baseNoFragment[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        let prefix = String(baseNoFragment[..<authorityEnd])
        let basePath = String(afterScheme[authorityEnd...])
        let mergedPath: String
        if refPath.hasPrefix("/") {
            mergedPath = refPath
        } else if refPath.isEmpty {
            mergedPath = basePath
        } else {
            let directory = basePath.lastIndex(of: "/").map { String(basePath[...$0]) } ?? "/"
            mergedPath = directory + refPath
        }
        return prefix + removeDotSegments(mergedPath) + fragmentSuffix
    }

    static func splitFragment(_ uri: String) -> (String, String?) {
        guard let hash = uri.firstIndex(of: "#") else { return (uri, nil) }
        return (String(uri[..<hash]), String(uri[uri.index(after: hash)...]))
    }

    private static func removeDotSegments(_ path: String) -> String {
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for (i, segment) in segments.enumerated() {
            switch segment {
            case ".": if i == segments.count - 1 { output.append("") }
            case "..":
                if output.count > 1 { output.removeLast() }
                if i == segments.count - 1 { output.append("") }
            default: output.append(segment)
            }
        }
        let joined = output.joined(separator: "/")
        return joined.hasPrefix("/") ? joined : "/" + joined
    }
}
