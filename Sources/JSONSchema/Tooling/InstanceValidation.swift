import JSONCore

/// What `usage-audit validate` does, as a library: load a schema file, read instances from files (whole
/// files, or NDJSON lines), validate each, and render the results as text or JSON. The subcommand only
/// parses arguments and calls this.
public enum InstanceValidation {
    /// A problem that is the user's, not the instance's: exit status 2.
    public struct UsageError: Error, Sendable, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// The verdict on one instance. `name` is the file, or `FILE:LINE` for an NDJSON line.
    public struct Result: Sendable {
        public let name: String
        public let errors: [OutputUnit]
        public let bestMatch: OutputUnit?
        public var isValid: Bool { errors.isEmpty }
    }

    /// Loads and compiles the schema in the file at `path`. The file's folder is mapped to its own `file:`
    /// URI, so relative `$ref`s between local schema files resolve without a `--resource`.
    public static func loadSchema(
        path: String, resources: [ResourceMap.Mapping], formatAssertion: Bool, vocabularies: [Vocabulary] = []
    ) throws -> Schema {
        let bytes: [UInt8]
        switch readFile(path) {
        case .bytes(let content): bytes = content
        case .tooLarge(let limit): throw UsageError("the schema '\(path)' is larger than the limit of \(limit) bytes")
        case .unreadable: throw UsageError("cannot read the schema '\(path)': \(whyUnreadable(path))")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw UsageError("the schema '\(path)' is not JSON: \(error)")
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
            throw UsageError("invalid schema '\(path)': \(error)")
        }
    }

    /// Validates every instance of every file: each file as one JSON value, or with `ndjson` each non-blank
    /// line. An instance that is not JSON is an invalid result (its parse error is the error); a file that
    /// cannot be read is a ``UsageError``.
    public static func validate(files: [String], ndjson: Bool, against schema: Schema) throws -> [Result] {
        var results: [Result] = []
        let limit = JSONParseOptions.default.maxBytes
        for file in files {
            if ndjson {
                let complete = forEachLine(of: file, limit: limit) { lineNumber, line in
                    let name = "\(file):\(lineNumber)"
                    guard let line else {
                        results.append(tooLarge(name: name, limit: limit))
                        return
                    }
                    var content = line[...]
                    if content.last == UInt8(ascii: "\r") { content = content.dropLast() }
                    if content.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
                    results.append(validate(Array(content), name: name, schema, oneValuePerLine: true))
                }
                guard complete else { throw UsageError("cannot read the instance '\(file)': \(whyUnreadable(file))") }
            } else {
                switch readFile(file, limit: limit) {
                case .bytes(let bytes): results.append(validate(bytes, name: file, schema, oneValuePerLine: false))
                case .tooLarge: results.append(tooLarge(name: file, limit: limit))
                case .unreadable: throw UsageError("cannot read the instance '\(file)': \(whyUnreadable(file))")
                }
            }
        }
        return results
    }

    /// The result for an instance beyond the size limit, which is not read past the limit.
    private static func tooLarge(name: String, limit: Int) -> Result {
        let unit = OutputUnit(
            keyword: "", instanceLocation: .root, keywordLocation: .root, absoluteKeywordLocation: "",
            error: "not JSON: the instance is larger than the limit of \(limit) bytes (not read further)")
        return Result(name: name, errors: [unit], bestMatch: unit)
    }

    /// Calls `body` with each line of the file (`-`: standard input) and its 1-based number, without the
    /// `\n`; a line longer than `limit` is passed as `nil` and skipped without being kept, so memory stays
    /// within the limit whatever the file holds. `false` when the file cannot be opened or read.
    private static func forEachLine(of path: String, limit: Int, _ body: (Int, [UInt8]?) -> Void) -> Bool {
        let descriptor = path == "-" ? 0 : open(path, O_RDONLY)
        guard descriptor >= 0 else { return false }
        defer { if path != "-" { close(descriptor) } }
        var line: [UInt8] = []
        var overlong = false
        var lineNumber = 1
        while true {
            guard let chunk = readChunk(descriptor, atMost: 1 << 16) else { return false }
            if chunk.isEmpty { break }
            var start = 0
            while let newline = chunk[start...].firstIndex(of: 0x0A) {
                let piece = chunk[start..<newline]
                if !overlong && line.count + piece.count > limit { overlong = true }
                if overlong {
                    body(lineNumber, nil)
                } else {
                    line += piece
                    body(lineNumber, line)
                }
                line.removeAll(keepingCapacity: true)
                overlong = false
                lineNumber += 1
                start = newline + 1
            }
            let rest = chunk[start...]
            if !overlong && line.count + rest.count > limit {
                overlong = true
                line = []
            }
            if !overlong { line += rest }
        }
        if overlong || !line.isEmpty { body(lineNumber, overlong ? nil : line) }
        return true
    }

    private static func validate(_ bytes: [UInt8], name: String, _ schema: Schema, oneValuePerLine: Bool) -> Result {
        let instance: JSONValue
        do {
            instance = try JSONValue.parse(bytes)
        } catch {
            // A second value after the first is most often a file of one value per line.
            let hint =
                !oneValuePerLine && error.code == .trailingBytes && error.line > 1
                ? " (one JSON value per line? use --ndjson)" : ""
            let unit = OutputUnit(
                keyword: "", instanceLocation: .root, keywordLocation: .root, absoluteKeywordLocation: "",
                error: "not JSON: \(error)\(hint)")
            return Result(name: name, errors: [unit], bestMatch: unit)
        }
        // The flag evaluation first: most instances are valid, and it builds nothing.
        if schema.isValid(instance) { return Result(name: name, errors: [], bestMatch: nil) }
        let full = schema.validate(instance)
        return Result(name: name, errors: full.errors, bestMatch: full.bestMatch)
    }

    /// `0` when every instance is valid, `1` otherwise.
    public static func exitStatus(_ results: [Result]) -> Int32 { results.allSatisfy(\.isValid) ? 0 : 1 }

    /// `{"results": [{"instance", "valid", "errors": [output units]}]}`, as the contract defines it.
    public static func json(_ results: [Result]) -> JSONValue {
        .object(
            JSONObject([
                (
                    "results",
                    .array(
                        results.map { result in
                            .object(
                                JSONObject([
                                    ("instance", .string(result.name)), ("valid", .bool(result.isValid)),
                                    ("errors", .array(result.errors.map(\.json))),
                                ]))
                        })
                )
            ]))
    }

    /// One line per instance; for an invalid one, the best match first, then every other failure.
    public static func text(_ results: [Result]) -> String {
        var out = ""
        for result in results {
            guard let best = result.bestMatch else {
                out += "\(result.name): valid\n"
                continue
            }
            out += "\(result.name): invalid: \(line(best))\n"
            let others = flatten(result.errors).filter { $0 != best }
            for unit in others { out += "  also: \(line(unit))\n" }
        }
        let invalid = results.filter { !$0.isValid }.count
        out += "\(results.count - invalid) valid, \(invalid) invalid\n"
        return out
    }

    private static func line(_ unit: OutputUnit) -> String {
        let place = unit.instanceLocation.isRoot ? "the instance" : "'\(unit.instanceLocation)'"
        let keyword = unit.keywordLocation.isRoot && unit.absoluteKeywordLocation.isEmpty ? "" : " [\(unit.keywordLocation)]"
        return "at \(place): \(unit.error)\(keyword)"
    }

    /// Failures with causes listed after their causes' leaves, so nothing nested is lost in text.
    private static func flatten(_ units: [OutputUnit]) -> [OutputUnit] {
        units.flatMap { unit in unit.causes.isEmpty ? [unit] : flatten(unit.causes) }
    }

    private static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let directory = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return directory + "/" + path
    }

    /// `file://` plus the path, each byte outside RFC 3986's path characters percent-encoded.
    private static func fileURI(_ path: String) -> String {
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

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why `path` cannot be read, in the system's words: no such file, permission denied, is a directory.
func whyUnreadable(_ path: String) -> String {
    var info = stat()
    guard stat(path, &info) == 0 else { return String(cString: strerror(errno)) }
    if (info.st_mode & S_IFMT) == S_IFDIR { return "is a directory" }
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return String(cString: strerror(errno)) }
    close(descriptor)
    return "read failed"
}
