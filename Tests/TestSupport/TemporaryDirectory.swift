import Foundation

/// Temporary folders for tests, each unique, under the system's temporary directory.
public enum TemporaryDirectory {
    /// A new empty folder whose name starts with `label`. The caller may remove it; whatever is left is
    /// removed when the test process exits (`LeftoverFolders`), unless `USAGE_AUDIT_KEEP_TEST_FOLDERS` is
    /// set, to look at what a failed test wrote.
    public static func make(_ label: String = "usage-audit-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        LeftoverFolders.shared.add(url)
        return url
    }

    /// Runs `body` with a new folder, removed afterwards whatever `body` does.
    public static func with<T>(_ label: String = "usage-audit-test", _ body: (URL) throws -> T) throws -> T {
        let url = try make(label)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url)
    }
}

/// A new empty folder for one test, removed with everything in it when the last reference goes: for tests
/// whose folder outlives one closure (a collector writing into it while the test waits).
public final class ScratchFolder: Sendable {
    public let url: URL
    /// The folder's path.
    public var root: String { url.path }

    public init(_ label: String = "usage-audit-test") throws { url = try TemporaryDirectory.make(label) }

    /// The path of `name` in the folder (the folder itself for an empty name).
    public func path(_ name: String) -> String { name.isEmpty ? root : root + "/" + name }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// The folders `TemporaryDirectory.make` made, removed at the test process's exit: a test that forgets its
/// folder (or stops at a failed `#require` before removing it) would otherwise leave one in the system's
/// temporary directory at every `make test`. `@unchecked Sendable`: its state is read and written only under
/// `lock`.
final class LeftoverFolders: @unchecked Sendable {
    static let shared = LeftoverFolders()

    private let lock = NSLock()
    private var folders: [URL] = []
    private var registered = false

    func add(_ url: URL) {
        lock.lock()
        defer { lock.unlock() }
        folders.append(url)
        guard !registered, ProcessInfo.processInfo.environment["USAGE_AUDIT_KEEP_TEST_FOLDERS"] == nil else { return }
        registered = true
        atexit { LeftoverFolders.shared.removeAll() }
    }

    private func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        for url in folders { try? FileManager.default.removeItem(at: url) }
        folders = []
    }
}
