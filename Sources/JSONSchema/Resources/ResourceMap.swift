#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import JSONCore

/// Where `$ref` finds documents: URIs mapped to local files or folders, and documents given in memory.
/// There is no network access, ever: a URI that is neither mapped nor embedded is an unresolved reference.
public struct ResourceMap: Sendable {
    /// One `URI=PATH` mapping. A URI ending in `/` maps everything under it to the folder `path`.
    public struct Mapping: Sendable, Equatable {
        public let uri: String
        public let path: String
        public init(uri: String, path: String) {
            self.uri = uri
            self.path = path
        }
        var isFolder: Bool { uri.hasSuffix("/") }
    }

    public private(set) var mappings: [Mapping] = []
    public private(set) var documents: [String: JSONValue] = [:]

    public init() {}

    /// Maps `uri` (and, with a trailing `/`, everything under it) to a file or folder.
    public mutating func map(_ uri: String, to path: String) {
        mappings.append(Mapping(uri: uri, path: path))
    }

    /// Serves `document` for `uri`.
    public mutating func add(_ document: JSONValue, as uri: String) {
        documents[URIReference(uri).withoutFragment.description] = document
    }

    /// Parses a command-line `URI=PATH` argument.
    public static func parseMapping(_ argument: String) throws(ResourceMapError) -> Mapping {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex,
            argument.index(after: equals) != argument.endIndex
        else { throw ResourceMapError(message: "'\(argument)' is not URI=PATH") }
        let uri = String(argument[..<equals])
        guard URIReference(uri).isAbsolute else {
            throw ResourceMapError(message: "'\(uri)' in '\(argument)' is not an absolute URI")
        }
        return Mapping(uri: uri, path: String(argument[argument.index(after: equals)...]))
    }

    /// The document for `uri` (no fragment): `nil` when nothing maps it, an error when a mapped file cannot
    /// be read or parsed.
    func document(for uri: String) throws(SchemaError) -> JSONValue? {
        if let document = documents[uri] { return document }
        // The longest matching mapping wins, so a specific file can override its folder.
        var best: (mapping: Mapping, path: String)?
        for mapping in mappings {
            let path: String
            if mapping.isFolder {
                guard uri.hasPrefix(mapping.uri) else { continue }
                let rest = uri.dropFirst(mapping.uri.count)
                guard !rest.split(separator: "/").contains("..") else { continue }
                path = mapping.path.hasSuffix("/") ? mapping.path + rest : mapping.path + "/" + rest
            } else {
                guard uri == mapping.uri else { continue }
                path = mapping.path
            }
            if best == nil || mapping.uri.count > best!.mapping.uri.count { best = (mapping, path) }
        }
        guard let best else { return nil }
        guard let bytes = readFile(best.path) else {
            throw SchemaError(
                code: .unreadableResource, message: "cannot read '\(best.path)' (mapped from \(uri))", location: uri)
        }
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw SchemaError(
                code: .unreadableResource, message: "'\(best.path)' is not JSON: \(error)", location: uri)
        }
    }
}

/// A malformed `--resource` argument.
public struct ResourceMapError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The whole content of a regular file, or `nil` when it cannot be opened or read (a folder, say).
func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
        if count < chunk.count {
            if ferror(file) != 0 { return nil }
            break
        }
    }
    return bytes
}
