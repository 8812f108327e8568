#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The files of a folder input, walked recursively in sorted path order (byte order of the names, so the
/// report is the same on every machine). Symbolic links are followed, a folder already being walked is not
/// entered again (a link loop), and what cannot be read or is no regular file is listed with the reason:
/// nothing in a folder is ever an error.
public enum FolderWalk {
    public enum Entry: Equatable, Sendable {
        /// A regular file to look at.
        case file(String)
        /// Something that is not looked at, and why.
        case skipped(String, reason: String)

        public var path: String {
            switch self {
            case .file(let path), .skipped(let path, _): path
            }
        }
    }

    /// Whether `path` names a folder (after following links).
    public static func isFolder(_ path: String) -> Bool {
        guard path != "-" else { return false }
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Every entry under `folder`, in sorted path order.
    public static func entries(under folder: String) -> [Entry] {
        var entries: [Entry] = []
        var walking: [FileIdentity] = []
        walk(folder, walking: &walking, into: &entries)
        return entries.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    private struct FileIdentity: Equatable {
        var device: UInt64
        var inode: UInt64
    }

    private static func walk(_ folder: String, walking: inout [FileIdentity], into entries: inout [Entry]) {
        var info = stat()
        guard stat(folder, &info) == 0 else {
            entries.append(.skipped(folder, reason: "cannot read: \(String(cString: strerror(errno)))"))
            return
        }
        let identity = FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        if walking.contains(identity) {
            entries.append(.skipped(folder, reason: "a symbolic link loop (this folder is already being walked)"))
            return
        }
        guard let directory = opendir(folder) else {
            entries.append(.skipped(folder, reason: "cannot read the folder: \(String(cString: strerror(errno)))"))
            return
        }
        var names: [[UInt8]] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix(while: { $0 != 0 }))
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            names.append(name)
        }
        closedir(directory)
        walking.append(identity)
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        for name in names {
            let path = prefix + String(decoding: name, as: UTF8.self)
            var target = stat()
            guard stat(path, &target) == 0 else {
                var link = stat()
                let reason =
                    lstat(path, &link) == 0 && (link.st_mode & S_IFMT) == S_IFLNK
                    ? "a broken symbolic link" : "cannot read: \(String(cString: strerror(errno)))"
                entries.append(.skipped(path, reason: reason))
                continue
            }
            switch target.st_mode & S_IFMT {
            case S_IFDIR: walk(path, walking: &walking, into: &entries)
            case S_IFREG: entries.append(.file(path))
            default: entries.append(.skipped(path, reason: "not a regular file (a device, pipe or socket)"))
            }
        }
        walking.removeLast()
    }
}
