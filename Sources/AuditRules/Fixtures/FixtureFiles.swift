#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file operations fixtures need beyond reading schemas.
enum FixtureFiles {
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Every regular file under `directory`, recursively, as paths starting with `directory`.
    static func list(_ directory: String) throws -> [String] {
        var result: [String] = []
        for name in try FileSystem.listDirectory(directory) where !name.hasPrefix(".") {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            if FileSystem.isDirectory(path) { result += try list(path) } else { result.append(path) }
        }
        return result
    }

    static func write(_ text: String, to path: String) throws {
        guard let file = fopen(path, "wb") else { throw FileSystem.Failure(path: path, reason: String(cString: strerror(errno))) }
        defer { fclose(file) }
        let bytes = Array(text.utf8)
        guard fwrite(bytes, 1, bytes.count, file) == bytes.count else {
            throw FileSystem.Failure(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
