import Foundation
import JSONCore
import TestSupport
import Testing

@testable import JSONSchema

/// `Vendor/` holds third-party documents verbatim: they must be there, be what their README says, and match
/// the embedded copies. Compared byte for byte with an upstream copy when an environment variable names one
/// (see `Vendor/README.md`).
@Suite("Vendored documents")
struct VendoredDataTests {
    static let suite = Repository.url("Vendor/json-schema-test-suite")
    static let sarifSchema = Repository.url("Vendor/sarif/sarif-schema-2.1.0.json")
    static let metaSchemas = Repository.url("Vendor/json-schema-metaschemas/draft202012")

    static func upstream(_ variable: String) -> URL? {
        guard let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty else { return nil }
        return URL(fileURLWithPath: path)
    }

    /// Every regular file under `folder`, as paths relative to it, sorted.
    static func files(under folder: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter {
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path, isDirectory: &isFolder)
                && !isFolder.boolValue
        }.sorted()
    }

    @Test func theTestSuiteIsCompleteWithItsLicenseAndCommit() throws {
        let tests = Self.files(under: Self.suite.appendingPathComponent("tests/draft2020-12"))
        #expect(tests.count > 60, "draft 2020-12 test files: \(tests.count)")
        #expect(tests.contains("ref.json") && tests.contains("optional/format/date-time.json"))
        let license = try String(contentsOf: Self.suite.appendingPathComponent("LICENSE"), encoding: .utf8)
        #expect(license.contains("Permission is hereby granted, free of charge"))
        let commit = try String(contentsOf: Self.suite.appendingPathComponent("COMMIT"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(commit.count == 40 && commit.allSatisfy(\.isHexDigit), "COMMIT: \(commit)")
        #expect(try Repository.text("Vendor/README.md").contains(commit), "Vendor/README.md must name commit \(commit)")
    }

    /// Every `http://localhost:1234/...` document a draft 2020-12 test refers to (by `$ref`, `$dynamicRef` or
    /// `$schema`) and does not define itself (an `$id` ending in the same path, absolute or relative) is
    /// vendored under `remotes/`.
    @Test func everyRemoteTheTestsReferToIsVendored() throws {
        let testsFolder = Self.suite.appendingPathComponent("tests/draft2020-12")
        let identifier = try NSRegularExpression(pattern: ##""\$id"\s*:\s*"(?:http://localhost:1234/)?([^"#]*)(?:#[^"]*)?"##)
        let referenced = try NSRegularExpression(pattern: ##""\$(?:ref|dynamicRef|schema)"\s*:\s*"http://localhost:1234/([^"#]*)(?:#[^"]*)?"##)
        func captures(of expression: NSRegularExpression, in text: String) -> Set<String> {
            Set(
                expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
                    String(text[Range($0.range(at: 1), in: text)!])
                })
        }
        var missing: Set<String> = []
        var remote = 0
        for file in Self.files(under: testsFolder) {
            let text = try String(contentsOf: testsFolder.appendingPathComponent(file), encoding: .utf8)
            let defined = captures(of: identifier, in: text).filter { !$0.isEmpty }
            for path in captures(of: referenced, in: text) where !defined.contains(where: { path.hasSuffix($0) }) {
                remote += 1
                if !FileManager.default.fileExists(atPath: Self.suite.appendingPathComponent("remotes/\(path)").path) {
                    missing.insert(path)
                }
            }
        }
        #expect(remote >= 10, "remote references found: \(remote)")
        #expect(missing.isEmpty, "remotes referenced by the tests but not vendored: \(missing.sorted())")
    }

    @Test func theSARIFSchemaIsTheOASISOne() throws {
        let schema = try JSONValue.parse(Array(try Data(contentsOf: Self.sarifSchema)))
        #expect(schema["id"]?.stringValue == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
        #expect(schema["properties"]?["version"]?["enum"]?[0]?.stringValue == "2.1.0")
    }

    /// The meta-schemas compiled into the binary are the vendored ones (`Scripts/embed-resources` writes them).
    @Test func theEmbeddedMetaSchemasAreTheVendoredOnes() throws {
        let files = Self.files(under: Self.metaSchemas)
        #expect(files.count == 9, "\(files)")
        for file in files {
            let document = try JSONValue.parse(Array(try Data(contentsOf: Self.metaSchemas.appendingPathComponent(file))))
            let id = try #require(document["$id"]?.stringValue, "\(file) has no $id")
            #expect(EmbeddedMetaSchemas.document(for: id) == document, "\(id) differs from \(file): run Scripts/embed-resources")
        }
    }

    @Test(
        "the vendored test suite is the upstream one",
        .enabled(if: upstream("JSON_SCHEMA_TEST_SUITE_UPSTREAM") != nil, "JSON_SCHEMA_TEST_SUITE_UPSTREAM is not set"))
    func theSuiteMatchesUpstream() throws {
        let upstream = try #require(Self.upstream("JSON_SCHEMA_TEST_SUITE_UPSTREAM"))
        let vendored = Self.files(under: Self.suite).filter { $0 != "COMMIT" }
        for file in vendored {
            #expect(
                FileManager.default.contentsEqual(
                    atPath: Self.suite.appendingPathComponent(file).path, andPath: upstream.appendingPathComponent(file).path),
                "\(file) differs from \(upstream.path)")
        }
        let upstreamTests = Self.files(under: upstream.appendingPathComponent("tests/draft2020-12")).map { "tests/draft2020-12/\($0)" }
        #expect(Set(upstreamTests).subtracting(vendored).isEmpty, "upstream tests not vendored: \(Set(upstreamTests).subtracting(vendored).sorted())")
    }

    @Test(
        "the vendored SARIF schema is the upstream one",
        .enabled(if: upstream("SARIF_SCHEMA_UPSTREAM") != nil, "SARIF_SCHEMA_UPSTREAM is not set"))
    func theSARIFSchemaMatchesUpstream() throws {
        let upstream = try #require(Self.upstream("SARIF_SCHEMA_UPSTREAM"))
        #expect(FileManager.default.contentsEqual(atPath: Self.sarifSchema.path, andPath: upstream.path))
    }

    @Test(
        "the vendored meta-schemas are the upstream ones",
        .enabled(if: upstream("JSON_SCHEMA_METASCHEMAS_UPSTREAM") != nil, "JSON_SCHEMA_METASCHEMAS_UPSTREAM is not set"))
    func theMetaSchemasMatchUpstream() throws {
        let upstream = try #require(Self.upstream("JSON_SCHEMA_METASCHEMAS_UPSTREAM"))
        #expect(Self.files(under: upstream) == Self.files(under: Self.metaSchemas))
        for file in Self.files(under: Self.metaSchemas) {
            #expect(
                FileManager.default.contentsEqual(
                    atPath: Self.metaSchemas.appendingPathComponent(file).path, andPath: upstream.appendingPathComponent(file).path),
                "\(file) differs from \(upstream.path)")
        }
    }
}
