import SystemPackage

// `rename(2)`, `unlink(2)` and `getpid(2)`, which swift-system does not wrap.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file that appears whole or not at all: its bytes go into a temporary file beside `path`, which `commit`
/// renames over `path` (atomic within one file system), so a reader never sees half of it. The temporary file
/// is created at once, so a path that cannot be written fails before any work is done. Behind the report
/// output and `listen --ready-file`.
///
/// One owner, one thread; an instance neither committed nor abandoned removes its temporary file in `deinit`.
public final class ReplacingFile {
    /// The file this one replaces on `commit`.
    public let path: String
    /// Where the bytes go until `commit`.
    public let temporaryPath: String
    /// The temporary file, open for writing; `nil` once committed or abandoned.
    public private(set) var descriptor: FileDescriptor?

    /// Creates (or truncates) the temporary file `path` + `.` + `label` + `-<pid>.tmp`.
    public init(path: String, label: String) throws(FileSystem.Failure) {
        self.path = path
        temporaryPath = path + ".\(label)\(getpid()).tmp"
        do {
            descriptor = try FileDescriptor.open(
                FilePath(temporaryPath), .writeOnly, options: [.create, .truncate],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw FileSystem.Failure(path: path, reason: "\(error)")
        }
    }

    deinit { abandon() }

    /// Closes the temporary file and renames it over `path`; on failure the temporary file is removed.
    public func commit() throws(FileSystem.Failure) {
        guard let descriptor else { throw FileSystem.Failure(path: path, reason: "already committed or abandoned") }
        self.descriptor = nil
        do {
            try descriptor.close()
        } catch {
            unlink(temporaryPath)
            throw FileSystem.Failure(path: path, reason: "\(error)")
        }
        guard rename(temporaryPath, path) == 0 else {
            let reason = Errno(rawValue: errno)
            unlink(temporaryPath)
            throw FileSystem.Failure(path: path, reason: "\(reason)")
        }
    }

    /// Closes and removes the temporary file, leaving `path` as it was.
    public func abandon() {
        guard let descriptor else { return }
        self.descriptor = nil
        try? descriptor.close()
        unlink(temporaryPath)
    }
}
