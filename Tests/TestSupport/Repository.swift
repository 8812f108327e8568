import Foundation

/// The repository's folders, for tests that read committed files (fixtures, schemas, sources).
public enum Repository {
    /// The repository root: this file is `Tests/TestSupport/Repository.swift`.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A path under the root, e.g. `Repository.path("Fixtures/demo/sample.pcap")`.
    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// Every regular file under `relative`, recursively, in sorted order, as paths relative to the root.
    public static func files(under relative: String) -> [String] {
        let base = root.appendingPathComponent(relative)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var found: [String] = []
        for case let url as URL in walker
        where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            found.append(String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1)))
        }
        return found.sorted()
    }
}
