import JSONCore
import JSONSchema

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The schema of `usage-audit validate`: read from a file within the size limit, parsed and compiled, with
/// the file's folder mapped to its own `file:` URI so that relative `$ref`s between local schema files
/// resolve without a `--resource`.
public enum SchemaFile {
    /// Loads and compiles the schema in the file at `path`; every failure names the file.
    public static func load(
        path: String, resources: [ResourceMap.Mapping], formatAssertion: Bool, vocabularies: [Vocabulary] = []
    ) throws(ValidationUsageError) -> Schema {
        let limit = JSONParseOptions.default.maxBytes
        let read: InstanceFiles.WholeRead
        do {
            read = try InstanceFiles.withOpened(path) { InstanceFiles.readWhole($0, limit: limit) }
        } catch {
            throw ValidationUsageError("cannot read the schema '\(path)': \(error)")
        }
        let bytes: [UInt8]
        switch read {
        case .bytes(let content): bytes = content
        case .tooLarge: throw ValidationUsageError("the schema '\(path)' is larger than the limit of \(limit) bytes")
        case .failed:
            throw ValidationUsageError(
                "cannot read the schema '\(path)': \(InstanceFiles.whyUnreadable(path) ?? "read failed")")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw ValidationUsageError("the schema '\(path)' is not JSON: \(error)")
        }
        let absolute = absolutePath(path)
        let folder = String(absolute[...(absolute.lastIndex(of: "/") ?? absolute.startIndex)])
        var map = ResourceMap()
        map.map(fileURI(folder), to: folder)
        for mapping in resources { map.map(mapping.uri, to: mapping.path) }
        do {
            return try Schema(
                compiling: document, uri: fileURI(absolute),
                options: CompileOptions(formatAssertion: formatAssertion, resources: map, vocabularies: vocabularies))
        } catch {
            throw ValidationUsageError("invalid schema '\(path)': \(error)")
        }
    }

    private static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let directory = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return directory + "/" + path
    }

    /// `file://` plus the path, each byte outside RFC 3986's path characters percent-encoded.
    static func fileURI(_ path: String) -> String {
        var out = "file://"
        for byte in path.utf8 {
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || "/-._~!$&'()*+,;=:@".utf8.contains(byte)
            {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }
}

/// A problem that is the user's, not an instance's (a schema that cannot be read or compiled, an instance
/// file that cannot be opened): the executable makes it exit status 2.
public struct ValidationUsageError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
