import Foundation
import JSONCore
import TestSupport
import Testing

/// The official JSON-Schema-Test-Suite on disk: where it is, and its draft 2020-12 cases.
enum OfficialSuite {
    /// The copy vendored in the repository (`Vendor/json-schema-test-suite`, at the upstream commit its
    /// README names), so the suite and ``KnownSkips`` always describe the same tests.
    static let root: URL = Repository.root.appendingPathComponent("Vendor/json-schema-test-suite")

    static var testsFolder: URL { root.appendingPathComponent("tests/draft2020-12") }
    static var remotesFolder: URL { root.appendingPathComponent("remotes") }

    static var isPresent: Bool {
        FileManager.default.fileExists(atPath: testsFolder.path) && FileManager.default.fileExists(atPath: remotesFolder.path)
    }

    /// Every case of every file, in file order; empty when the suite is missing.
    static let cases: [SuiteCase] = {
        guard isPresent, let enumerator = FileManager.default.enumerator(atPath: testsFolder.path) else { return [] }
        let files = enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted()
        return files.flatMap { file in
            do {
                return try SuiteFileReader.cases(in: file, text: String(contentsOf: testsFolder.appendingPathComponent(file), encoding: .utf8))
            } catch {
                return [SuiteCase.unreadable(file: file, reason: "\(error)")]
            }
        }
    }()
}

/// One test of the suite: a schema, an instance and the expected verdict.
struct SuiteCase: Sendable, CustomTestStringConvertible, CustomStringConvertible {
    /// Path under `tests/draft2020-12`, such as `optional/format/date.json`.
    let file: String
    let group: String
    let test: String
    let schemaText: String
    let dataText: String
    let valid: Bool

    var isOptional: Bool { file.hasPrefix("optional/") }
    /// `optional/format/` runs with format assertion on, as the suite's README asks.
    var assertsFormat: Bool { file.hasPrefix("optional/format/") }
    var testDescription: String { "\(file) | \(group) | \(test)" }
    var description: String { testDescription }

    static func unreadable(file: String, reason: String) -> SuiteCase {
        SuiteCase(file: file, group: "(unreadable file)", test: reason, schemaText: "", dataText: "", valid: false)
    }
}

/// Splits a suite file into its cases, keeping each schema and instance as raw JSON text, so that one
/// case JSONCore cannot represent (an integer beyond 64 bits) is one case reported, not a whole file lost.
enum SuiteFileReader {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    static func cases(in file: String, text: String) throws -> [SuiteCase] {
        let bytes = Array(text.utf8)
        var cases: [SuiteCase] = []
        for group in try elements(bytes, bytes.startIndex..<bytes.endIndex) {
            let members = try objectMembers(bytes, group)
            guard let schema = members["schema"], let tests = members["tests"], let description = members["description"]
            else { throw Malformed(description: "\(file): a group lacks schema, tests or description") }
            let groupName = try string(bytes, description)
            for test in try elements(bytes, tests) {
                let testMembers = try objectMembers(bytes, test)
                guard let data = testMembers["data"], let valid = testMembers["valid"],
                    let testDescription = testMembers["description"]
                else { throw Malformed(description: "\(file): a test of '\(groupName)' lacks data, valid or description") }
                cases.append(
                    SuiteCase(
                        file: file, group: groupName, test: try string(bytes, testDescription),
                        schemaText: slice(bytes, schema), dataText: slice(bytes, data),
                        valid: slice(bytes, valid) == "true"))
            }
        }
        return cases
    }

    private static func slice(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    private static func string(_ bytes: [UInt8], _ range: Range<Int>) throws -> String {
        guard case .string(let value) = try JSONValue.parse(Array(bytes[range])) else {
            throw Malformed(description: "expected a string at byte \(range.lowerBound)")
        }
        return value
    }

    /// The ranges of the elements of the array spanning `range`.
    static func elements(_ bytes: [UInt8], _ range: Range<Int>) throws -> [Range<Int>] {
        var i = skipSpace(bytes, range.lowerBound)
        guard i < range.upperBound, bytes[i] == UInt8(ascii: "[") else { throw Malformed(description: "expected '['") }
        i += 1
        var result: [Range<Int>] = []
        while true {
            i = skipSpace(bytes, i)
            if bytes[i] == UInt8(ascii: "]") { return result }
            let end = endOfValue(bytes, i)
            result.append(i..<end)
            i = skipSpace(bytes, end)
            if bytes[i] == UInt8(ascii: ",") { i += 1 }
        }
    }

    /// The member values of the object spanning `range`, by key.
    static func objectMembers(_ bytes: [UInt8], _ range: Range<Int>) throws -> [String: Range<Int>] {
        var i = skipSpace(bytes, range.lowerBound)
        guard bytes[i] == UInt8(ascii: "{") else { throw Malformed(description: "expected '{'") }
        i += 1
        var result: [String: Range<Int>] = [:]
        while true {
            i = skipSpace(bytes, i)
            if bytes[i] == UInt8(ascii: "}") { return result }
            let keyEnd = endOfValue(bytes, i)
            let key = try string(bytes, i..<keyEnd)
            i = skipSpace(bytes, keyEnd)
            guard bytes[i] == UInt8(ascii: ":") else { throw Malformed(description: "expected ':'") }
            i = skipSpace(bytes, i + 1)
            let end = endOfValue(bytes, i)
            result[key] = i..<end
            i = skipSpace(bytes, end)
            if bytes[i] == UInt8(ascii: ",") { i += 1 }
        }
    }

    private static func skipSpace(_ bytes: [UInt8], _ start: Int) -> Int {
        var i = start
        while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
        return i
    }

    /// Just past the JSON value starting at `start` (strings, nesting and scalars; well-formed input).
    private static func endOfValue(_ bytes: [UInt8], _ start: Int) -> Int {
        var i = start
        var depth = 0
        repeat {
            switch bytes[i] {
            case UInt8(ascii: "\""):
                i += 1
                while bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
                i += 1
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                i += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                i += 1
            default:
                if depth == 0 {
                    while i < bytes.count, !",]} \n\r\t".utf8.contains(bytes[i]) { i += 1 }
                } else {
                    i += 1
                }
            }
        } while depth > 0
        return i
    }
}
