#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few file operations the schema loader and the fixture verifier need, over POSIX, with errors that
/// name the path.
enum FileSystem {
    struct Failure: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "\(path): \(reason)" }
    }

    private static func failure(_ path: String) -> Failure { Failure(path: path, reason: String(cString: strerror(errno))) }

    static func listDirectory(_ path: String) throws -> [String] {
        guard let directory = opendir(path) else { throw failure(path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Every regular file under `directory`, recursively, as paths relative to it, sorted; entries whose
    /// names start with a dot are skipped unless `includingHidden`.
    static func regularFiles(under directory: String, includingHidden: Bool) throws -> [String] {
        var result: [String] = []
        func walk(_ relative: String) throws {
            let path = relative.isEmpty ? directory : directory + "/" + relative
            for name in try listDirectory(path) where includingHidden || !name.hasPrefix(".") {
                let child = relative.isEmpty ? name : relative + "/" + name
                if isDirectory(directory + "/" + child) { try walk(child) } else { result.append(child) }
            }
        }
        try walk("")
        return result.sorted()
    }

    static func write(_ text: String, to path: String) throws {
        guard let file = fopen(path, "wb") else { throw failure(path) }
        defer { fclose(file) }
        let bytes = Array(text.utf8)
        guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw failure(path) }
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Reads a whole text file (schemas are small; 16 MiB at most).
    static func readText(_ path: String) throws -> String {
        guard let file = fopen(path, "rb") else { throw failure(path) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count > 0 { bytes += chunk[0..<count] }
            if count < chunk.count { break }
            if bytes.count > 16 << 20 { throw Failure(path: path, reason: "larger than 16 MiB") }
        }
        if ferror(file) != 0 { throw failure(path) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
