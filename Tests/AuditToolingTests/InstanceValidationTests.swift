import AuditTooling
import Foundation
import JSONCore
import JSONSchema
import SystemPackage
import Testing
import TestSupport

/// Runs a validation the way `usage-audit validate` does, its results written to a file that is read back.
struct ValidationRun {
    var output: String
    var outcome: InstanceValidation.Outcome
    var failures: [String]
    var valid: Int
    var invalid: Int

    init(
        _ files: [String], ndjson: Bool, against schema: Schema, format: ValidationReport.Format = .text,
        threads: Int = 1, instanceLimit: Int? = nil, outputPath: String
    ) throws {
        let descriptor = try FileDescriptor.open(
            FilePath(outputPath), .writeOnly, options: [.create, .truncate], permissions: .ownerReadWrite)
        var report = ValidationReport(format: format, descriptor: descriptor)
        var failures: [String] = []
        var validation = InstanceValidation(schema: schema, ndjson: ndjson)
        validation.threads = threads
        if let instanceLimit { validation.instanceLimit = instanceLimit }
        outcome = validation.run(files: files, into: &report) {
            failures.append($0.description)
        }
        try descriptor.close()
        self.failures = failures
        valid = report.validCount
        invalid = report.invalidCount
        output = try String(contentsOfFile: outputPath, encoding: .utf8)
    }

    var lines: [Substring] { output.split(separator: "\n") }
}

/// What `usage-audit validate` does: schema loading, instance files and NDJSON, both renderings, written as
/// each result is made.
@Suite("usage-audit validate, as a library")
struct InstanceValidationTests {
    let folder: URL

    init() throws { folder = try TemporaryDirectory.make("validate") }

    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    var output: String { folder.appendingPathComponent("output").path }

    @Test(arguments: [ValidationReport.Format.text, .json])
    func manyThreadsWriteTheSameResultsInLineOrderAsOne(format: ValidationReport.Format) throws {
        let schema = try write("s.json", ##"{"type": "object", "required": ["level"], "properties": {"level": {"enum": [1, 2, 3]}}}"##)
        // More lines than one batch holds: valid, invalid, blank, not JSON and too large, interleaved.
        var text = ""
        for number in 1...5_000 {
            switch number % 7 {
            case 0: text += "\n"
            case 1: text += "{\"level\": 9}\n"
            case 2: text += "{\"level\": \n"
            case 3: text += "{\"level\": 1, \"pad\": \"" + String(repeating: "x", count: 300) + "\"}\n"
            default: text += "{\"level\": \(number % 3 + 1)}\n"
            }
        }
        let lines = try write("many.ndjson", text)
        let compiled = try SchemaFile.load(path: schema, resources: [], formatAssertion: false)
        // The padded lines are beyond the limit.
        let one = try ValidationRun(
            [lines], ndjson: true, against: compiled, format: format, instanceLimit: 200, outputPath: output)
        for threads in [2, 4] {
            let other = try ValidationRun(
                [lines], ndjson: true, against: compiled, format: format, threads: threads, instanceLimit: 200,
                outputPath: output + "-\(threads)")
            #expect(one.output == other.output)
            #expect(one.valid == other.valid && one.invalid == other.invalid)
        }
        #expect(one.valid + one.invalid == 5_000 - 5_000 / 7)
        #expect(one.output.contains("many.ndjson:4999"))
        #expect(one.output.contains("larger than the limit of 200 bytes"))
    }

    /// Output that cannot be written (a full disk) stops the run at once, with batches still being validated
    /// on other threads: it ends, says why, and reads no further.
    @Test(arguments: [1, 2, 4])
    func aFailedWriteStopsTheRunWhateverTheThreadCount(threads: Int) throws {
        let schema = try write("s.json", ##"{"type": "object"}"##)
        let lines = try write("many.ndjson", String(repeating: "{\"level\": 1}\n", count: 20_000))
        let compiled = try SchemaFile.load(path: schema, resources: [], formatAssertion: false)
        let full = try FileDescriptor.open("/dev/full", .writeOnly)
        defer { try? full.close() }
        var report = ValidationReport(format: .json, descriptor: full)
        var validation = InstanceValidation(schema: compiled, ndjson: true)
        validation.threads = threads
        let outcome = validation.run(files: [lines], into: &report) { Issue.record("no read fails: \($0)") }
        #expect(outcome.outputFailure == .noSpace)
        #expect(report.validCount < 20_000)
    }

    @Test func ndjsonLinesAreValidatedOneByOneWithTheirLineNumbers() throws {
        let schema = try write("s.json", ##"{"type": "object", "properties": {"level": {"$ref": "common.json#/$defs/level"}}}"##)
        _ = try write("common.json", ##"{"$defs": {"level": {"enum": [1, 2, 3]}}}"##)
        let lines = try write("m.ndjson", "{\"level\": 1}\n\n{\"level\": 7}\nnot json\n")
        let compiled = try SchemaFile.load(path: schema, resources: [], formatAssertion: false)

        let text = try ValidationRun([lines], ndjson: true, against: compiled, outputPath: output)
        #expect((text.valid, text.invalid) == (1, 2))
        #expect(text.lines.map { $0.prefix { $0 != " " } } == ["\(lines):1:", "\(lines):3:", "\(lines):4:", "1"])
        #expect(text.output.contains("\(lines):3: invalid: at '/level': 7 is not one of [1,2,3]"))
        #expect(text.lines[2].contains("not JSON"))
        #expect(text.output.hasSuffix("1 valid, 2 invalid\n"))

        let json = try ValidationRun([lines], ndjson: true, against: compiled, format: .json, outputPath: output)
        let results = try #require(try JSONValue.parse(json.output.dropLast().description)["results"]?.arrayValue)
        #expect(results.map { $0["instance"] } == [.string("\(lines):1"), .string("\(lines):3"), .string("\(lines):4")])
        #expect(results.map { $0["valid"] } == [.bool(true), .bool(false), .bool(false)])
        #expect(results[0]["errors"] == .array([]))
        #expect(results[1]["errors"]?.arrayValue?.first?["keywordLocation"] == .string("/properties/level/$ref/enum"))
        #expect(results[1]["errors"]?.arrayValue?.first?["instanceLocation"] == .string("/level"))
    }

    @Test func namesAreEscapedInJSONAsTheWholeNameWouldBe() throws {
        let schema = try Schema(compiling: .bool(true))
        let lines = try write("quote\"and\\back\u{1}.ndjson", "1\n2\n")
        let whole = try write("é\"x.json", "3")
        let run = try ValidationRun([lines, whole], ndjson: false, against: schema, format: .json, outputPath: output)
        let single = try ValidationRun([lines], ndjson: true, against: schema, format: .json, outputPath: output)
        let expectedSingle = JSONValue.object(JSONObject([
            ("results", .array((1...2).map { line in
                .object(JSONObject([
                    ("instance", .string("\(lines):\(line)")), ("valid", .bool(true)), ("errors", .array([])),
                ]))
            }))
        ]))
        #expect(single.output == expectedSingle.serialized(.init(sortKeys: false)) + "\n")
        let document = try JSONValue.parse(String(run.output.dropLast()))
        #expect(document["results"]?.arrayValue?.map { $0["instance"] } == [.string(lines), .string(whole)])
    }

    @Test func aBadSchemaNamesTheSchemaLocation() throws {
        let schema = try write("bad.json", ##"{"properties": {"a": {"minLength": "x"}}}"##)
        do {
            _ = try SchemaFile.load(path: schema, resources: [], formatAssertion: false)
            Issue.record("a bad schema compiled")
        } catch {
            #expect("\(error)".contains("#/properties/a/minLength"), "\(error)")
        }
        let absent = folder.appendingPathComponent("absent.json").path
        #expect(throws: ValidationUsageError.self) {
            try SchemaFile.load(path: absent, resources: [], formatAssertion: false)
        }
        do {
            _ = try SchemaFile.load(path: folder.path, resources: [], formatAssertion: false)
            Issue.record("a folder loaded as a schema")
        } catch {
            #expect(error.description == "cannot read the schema '\(folder.path)': is a directory")
        }
    }

    @Test func resourcesMapURIs() throws {
        let remote = try write("remote.json", ##"{"type": "string"}"##)
        let schema = try write("main.json", ##"{"$ref": "https://example.com/remote"}"##)
        let compiled = try SchemaFile.load(
            path: schema, resources: [ResourceMap.Mapping(uri: "https://example.com/remote", path: remote)],
            formatAssertion: false)
        let instance = try write("i.json", ##""text""##)
        let run = try ValidationRun([instance], ndjson: false, against: compiled, outputPath: output)
        #expect(run.output == "\(instance): valid\n1 valid, 0 invalid\n")
    }

    /// `gzip -c FILE`, with the system's gzip, beside the file.
    func gzip(_ path: String) throws -> String {
        let result = try ProcessRunner.run("gzip", ["-c", path])
        #expect(result.status == 0, "gzip: \(result.stderr)")
        try result.stdoutData.write(to: URL(fileURLWithPath: path + ".gz"))
        return path + ".gz"
    }

    /// A gzip file is validated as what it decompresses to, as `check` reads its inputs: each line of a
    /// compressed NDJSON file, a compressed JSON document whole, with the results the plain files give.
    @Test(arguments: [false, true])
    func aGzipCompressedInstanceIsValidatedAsItsContent(ndjson: Bool) throws {
        let levels = ##"{"properties": {"level": {"enum": [1, 2, 3]}}}"##
        let schema = try Schema(compiling: try JSONValue.parse(Array(levels.utf8)))
        // More than one read of compressed bytes and of decompressed ones (64 KiB each).
        let text = ndjson
            ? (0..<20_000).map { #"{"level": \#($0 % 4), "n": \#($0)}"# }.joined(separator: "\n") + "\n"
            : #"{"level": 7, "note": "\#(String(repeating: "x", count: 200_000))"}"#
        let plain = try write(ndjson ? "lines.ndjson" : "one.json", text)
        let compressed = try gzip(plain)
        let expected = try ValidationRun([plain], ndjson: ndjson, against: schema, outputPath: output)
        let run = try ValidationRun([compressed], ndjson: ndjson, against: schema, outputPath: output)
        #expect(run.failures.isEmpty)
        #expect(InstanceValidation.unreadableFiles([compressed]).isEmpty)
        #expect((run.valid, run.invalid) == (expected.valid, expected.invalid))
        #expect((run.valid, run.invalid) == (ndjson ? (15_000, 5_000) : (0, 1)))
        #expect(run.output == expected.output.replacingOccurrences(of: plain, with: compressed))
    }

    /// A gzip stream cut short: the lines decompressed before the cut keep their results, the line the cut
    /// falls in is not validated as a fragment, and the failure names the line, the damage and its offset.
    @Test func aCutGzipInstanceKeepsTheLinesBeforeTheCutAndNamesIt() throws {
        let schema = try Schema(compiling: .bool(true))
        let text = (0..<20_000).map { #"{"n": \#($0), "pad": "\#($0 * 7919 % 100_003)"}"# }
            .joined(separator: "\n") + "\n"
        let compressed = try Data(contentsOf: URL(fileURLWithPath: try gzip(try write("lines.ndjson", text))))
        let cut = folder.appendingPathComponent("cut.ndjson.gz").path
        try compressed.prefix(compressed.count / 2).write(to: URL(fileURLWithPath: cut))
        let run = try ValidationRun([cut], ndjson: true, against: schema, outputPath: output)
        let failure = try #require(run.outcome.readFailures.first)
        #expect(run.outcome.readFailures.count == 1)
        #expect(run.valid > 1_000 && run.valid < 20_000)
        #expect(run.invalid == 0)
        #expect(failure.line == run.valid + 1)
        #expect(
            failure.reason.hasPrefix("gzip stream cut short at compressed byte \(compressed.count / 2)"), "\(failure)")
    }

    @Test func anUnreadableInstanceIsNamedBeforeTheRunAndTheRunGoesOnPastOne() throws {
        let schema = try Schema(compiling: .bool(true))
        let missing = folder.appendingPathComponent("none.json").path
        let present = try write("present.json", "1")
        #expect(InstanceValidation.unreadableFiles([missing, folder.path, present]).map(\.description) == [
            "cannot read the instance '\(missing)': No such file or directory",
            "cannot read the instance '\(folder.path)': is a directory",
        ])
        // One that goes away after that check is reported when it is reached, and the next file is validated.
        for ndjson in [false, true] {
            let run = try ValidationRun([missing, folder.path, present], ndjson: ndjson, against: schema, outputPath: output)
            #expect(run.failures == [
                "cannot read the instance '\(missing)': No such file or directory",
                "cannot read the instance '\(folder.path)': is a directory",
            ])
            #expect(run.outcome.readFailures.count == 2)
            #expect(run.output == "\(present)\(ndjson ? ":1" : ""): valid\n1 valid, 0 invalid\n")
        }
    }

    @Test func aWholeFileOfSeveralValuesHintsAtNDJSONAndBlankLinesAreSkipped() throws {
        let schema = try Schema(compiling: .bool(true))
        let lines = try write("lines.json", "{\"a\": 1}\r\n \t\r\n{\"b\": 2}")
        let whole = try ValidationRun([lines], ndjson: false, against: schema, outputPath: output)
        #expect(whole.invalid == 1 && whole.output.contains("(one JSON value per line? use --ndjson)"))
        let split = try ValidationRun([lines], ndjson: true, against: schema, outputPath: output)
        #expect(split.output == "\(lines):1: valid\n\(lines):3: valid\n2 valid, 0 invalid\n")
    }
}
