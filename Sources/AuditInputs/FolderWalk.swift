import Storage
import SystemPackage

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
        return (try? FilePath(path).stat())?.type == .directory
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
        let info: Stat
        do {
            info = try FilePath(folder).stat()
        } catch {
            entries.append(.skipped(folder, reason: "cannot read: \(error)"))
            return
        }
        let identity = FileIdentity(device: UInt64(info.deviceID.rawValue), inode: UInt64(info.inode.rawValue))
        if walking.contains(identity) {
            entries.append(.skipped(folder, reason: "a symbolic link loop (this folder is already being walked)"))
            return
        }
        let names: [String]
        do {
            names = try FileSystem.listDirectory(folder)
        } catch {
            entries.append(.skipped(folder, reason: "cannot read the folder: \(error.reason)"))
            return
        }
        walking.append(identity)
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        for name in names {
            let path = prefix + name
            let target: Stat
            do {
                target = try FilePath(path).stat()
            } catch {
                let isBrokenLink = (try? FilePath(path).stat(followTargetSymlink: false))?.type == .symbolicLink
                let reason = isBrokenLink ? "a broken symbolic link" : "cannot read: \(error)"
                entries.append(.skipped(path, reason: reason))
                continue
            }
            switch target.type {
            case .directory: walk(path, walking: &walking, into: &entries)
            case .regular: entries.append(.file(path))
            default: entries.append(.skipped(path, reason: "not a regular file (a device, pipe or socket)"))
            }
        }
        walking.removeLast()
    }
}
