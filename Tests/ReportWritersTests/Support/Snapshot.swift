import Foundation
import TestSupport
import Testing

/// Where this test target's files are in the repository.
enum TestPaths {
    static let targetDirectory = Repository.root.appendingPathComponent("Tests/ReportWritersTests")
    static let snapshots = targetDirectory.appendingPathComponent("Snapshots")
    static let repositoryRoot = Repository.root
    /// Third-party documents the tests read, vendored with their source and license (`Vendor/README.md`).
    static let vendor = repositoryRoot.appendingPathComponent("Vendor")
}

/// Compares `actual` with the committed snapshot `name`; with `USAGE_AUDIT_RECORD=1` it (re)records the
/// snapshot instead. A missing snapshot is a failure, not a silent recording, so CI cannot pass on nothing.
func assertSnapshot(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = TestPaths.snapshots.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["USAGE_AUDIT_RECORD"] == "1" {
        try FileManager.default.createDirectory(at: TestPaths.snapshots, withIntermediateDirectories: true)
        try Data(actual.utf8).write(to: url)
        return
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
        Issue.record("missing snapshot \(name); record it with USAGE_AUDIT_RECORD=1", sourceLocation: sourceLocation)
        return
    }
    let expected = String(decoding: data, as: UTF8.self)
    guard expected != actual else { return }
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let first =
        Array(zip(expectedLines, actualLines)).firstIndex { $0 != $1 } ?? min(expectedLines.count, actualLines.count)
    let expectedLine = first < expectedLines.count ? String(expectedLines[first]) : "(end of snapshot)"
    let actualLine = first < actualLines.count ? String(actualLines[first]) : "(end of output)"
    Issue.record(
        """
        snapshot \(name) differs at line \(first + 1) (re-record with USAGE_AUDIT_RECORD=1 if the change is intended):
          expected: \(expectedLine)
          actual:   \(actualLine)
        """, sourceLocation: sourceLocation)
}
