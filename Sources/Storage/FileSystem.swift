import SystemPackage

// `opendir(3)` and `readdir(3)`: swift-system cannot list a folder.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few whole-file operations the schema loader and the fixture verifier need, with errors that name the
/// path and the system's reason.
public enum FileSystem {
    public struct Failure: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Largest file `readText` reads (schemas and expectation files are small).
    public static let largestText = 16 << 20

    public static func exists(_ path: String) -> Bool { (try? FilePath(path).stat()) != nil }

    public static func isDirectory(_ path: String) -> Bool { (try? FilePath(path).stat())?.type == .directory }

    /// The names in a folder, without `.` and `..`, in the order the system gives them.
    public static func listDirectory(_ path: String) throws(Failure) -> [String] {
        guard let directory = opendir(path) else { throw Failure(path: path, reason: "\(Errno(rawValue: errno))") }
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

    /// Every regular file under `directory`, recursively, as paths relative to it, sorted; entries whose
    /// names start with a dot are skipped unless `includingHidden`. A folder reached twice (a symbolic link to
    /// a parent) is walked once.
    public static func regularFiles(under directory: String, includingHidden: Bool) throws(Failure) -> [String] {
        var result: [String] = []
        var visited: Set<[UInt64]> = []
        func walk(_ relative: String) throws(Failure) {
            let path = relative.isEmpty ? directory : directory + "/" + relative
            let info: Stat
            do {
                info = try FilePath(path).stat()
            } catch {
                throw Failure(path: path, reason: "\(error)")
            }
            guard visited.insert([UInt64(info.deviceID.rawValue), UInt64(info.inode.rawValue)]).inserted else { return }
            for name in try listDirectory(path) where includingHidden || !name.hasPrefix(".") {
                let child = relative.isEmpty ? name : relative + "/" + name
                if isDirectory(directory + "/" + child) { try walk(child) } else { result.append(child) }
            }
        }
        try walk("")
        return result.sorted()
    }

    /// Writes `text` as the whole content of the file at `path` (created or truncated).
    public static func write(_ text: String, to path: String) throws(Failure) {
        do {
            let file = try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.create, .truncate],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
            defer { try? file.close() }
            var text = text
            let failure = text.withUTF8 { file.writeAll(UnsafeRawBufferPointer($0)).failure }
            if let failure { throw failure }
        } catch {
            throw Failure(path: path, reason: "\(error)")
        }
    }

    /// Reads a whole text file of at most `largestText` bytes.
    public static func readText(_ path: String) throws(Failure) -> String {
        let bytes = try readBytes(path, atMost: largestText)
        guard bytes.count <= largestText else {
            throw Failure(path: path, reason: "larger than \(largestText >> 20) MiB")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes of the file at `path`, read until its end or until more than `limit` are in: a result longer
    /// than `limit` tells the caller the file is too large for it (each caller words that itself), without
    /// reading a huge file whole first.
    public static func readBytes(_ path: String, atMost limit: Int) throws(Failure) -> [UInt8] {
        do {
            let file = try FileDescriptor.open(FilePath(path), .readOnly)
            defer { try? file.close() }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while bytes.count <= limit {
                let count = try chunk.withUnsafeMutableBytes { try file.read(into: $0, retryOnInterrupt: true) }
                if count == 0 { break }
                bytes += chunk[0..<count]
            }
            return bytes
        } catch {
            throw Failure(path: path, reason: "\(error)")
        }
    }

    /// Whether `path` exists and is neither a regular file nor a folder (a device, a FIFO, a socket): such a
    /// file is written in place, since renaming a file over it would replace the device itself.
    public static func isSpecialFile(_ path: String) -> Bool {
        guard let type = (try? FilePath(path).stat())?.type else { return false }
        return type != .regular && type != .directory
    }
}
