import JSONCore
import SystemPackage

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
        let bytes: [UInt8]
        switch readFile(best.path) {
        case .bytes(let content): bytes = content
        case .tooLarge(let limit):
            throw SchemaError(
                code: .unreadableResource,
                message: "'\(best.path)' (mapped from \(uri)) is larger than the limit of \(limit) bytes", location: uri)
        case .unreadable:
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

/// What reading a JSON document of bounded size from a file gave.
enum BoundedRead {
    case bytes([UInt8])
    /// The file holds more than the limit: only `limit + 1` bytes were read, to know it.
    case tooLarge(limit: Int)
    /// The file cannot be opened or read (a folder, say).
    case unreadable
}

/// The content of the file at `path` (`-`: standard input), read only as far as `limit + 1` bytes, so an
/// oversized input costs no more memory than the limit, however large it is. Reads interrupted by a signal
/// are retried.
func readFile(_ path: String, limit: Int = JSONParseOptions.default.maxBytes) -> BoundedRead {
    let descriptor: FileDescriptor
    if path == "-" {
        descriptor = .standardInput
    } else {
        guard let opened = try? FileDescriptor.open(FilePath(path), .readOnly, retryOnInterrupt: true) else {
            return .unreadable
        }
        descriptor = opened
    }
    defer { if path != "-" { try? descriptor.close() } }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let wanted = min(chunk.count, limit + 1 - bytes.count)
        guard let got = try? chunk.withUnsafeMutableBytes({
            try descriptor.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<wanted]), retryOnInterrupt: true)
        }) else { return .unreadable }
        if got == 0 { return .bytes(bytes) }
        bytes.append(contentsOf: chunk[..<got])
        if bytes.count > limit { return .tooLarge(limit: limit) }
    }
}
