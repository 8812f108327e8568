import Foundation

/// Temporary folders for tests, each unique, under the system's temporary directory.
public enum TemporaryDirectory {
    /// A new empty folder whose name starts with `label`; the caller removes it (or leaves it for a failed test
    /// to be looked at).
    public static func make(_ label: String = "usage-audit-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
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
