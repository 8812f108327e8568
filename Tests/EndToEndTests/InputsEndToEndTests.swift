import Foundation
import TestSupport
import Testing

/// Every input a user hands `check`, through the built executable: gzip (files, standard input, several
/// members, damage), single JSON documents, folders like a run's `runinfo/`, files that are no usage input,
/// inputs that hold nothing, and `--min-messages`.
@Suite("usage-audit check on every kind of input, end to end")
struct InputsEndToEndTests {
    static let capture = "Fixtures/demo/sample.pcap"
    static let log = "Fixtures/real/2024.10.14/level3-htex-acme.parsl.log"
    static let wire = "Fixtures/real/2024.10.14/level3-htex-acme.wire"

    // MARK: gzip

    @Test func aGzipCaptureReadsAsTheCaptureDoes() throws {
        let folder = try Binary.temporaryDirectory()
        let compressed = try Scratch.gzip(Self.capture, into: folder)
        let plain = try JSONReport(Binary.run(["check", "--format", "json", Self.capture]))
        let unpacked = try JSONReport(Binary.run(["check", "--format", "json", compressed]))
        #expect(unpacked.status == plain.status)
        #expect(unpacked.summary == plain.summary)
        #expect(unpacked.findingRules == plain.findingRules)
        #expect(unpacked.inputs.first?["kind"] as? String == "pcap")
        #expect(plain.messages > 0)
    }

    @Test(arguments: [capture, log, wire])
    func gzipOnStandardInputReadsAsTheFileDoes(fixture: String) throws {
        let folder = try Binary.temporaryDirectory()
        let compressed = try Data(contentsOf: URL(fileURLWithPath: try Scratch.gzip(fixture, into: folder)))
        let plain = try JSONReport(Binary.run(["check", "--format", "json", fixture]))
        let piped = try JSONReport(Binary.run(["check", "--format", "json", "-"], stdin: compressed))
        #expect(piped.summary == plain.summary, "\(fixture)")
        #expect(piped.findingRules == plain.findingRules)
    }

    @Test func concatenatedGzipMembersReadAsOneStream() throws {
        let folder = try Binary.temporaryDirectory()
        let once = try Data(contentsOf: URL(fileURLWithPath: try Scratch.gzip(Self.log, into: folder)))
        let twice = folder.appendingPathComponent("twice.log.gz")
        try (once + once).write(to: twice)
        let single = try JSONReport(Binary.run(["check", "--format", "json", Self.log]))
        let double = try JSONReport(Binary.run(["check", "--format", "json", twice.path]))
        #expect(double.messages == 2 * single.messages)
        #expect(double.inputs.first?["error"] is NSNull)
    }

    @Test func aCutGzipKeepsWhatWasReadAndNamesTheOffset() throws {
        let folder = try Binary.temporaryDirectory()
        // A log long enough that its first message is decompressed before the cut.
        var text = try String(contentsOfFile: Self.log, encoding: .utf8)
        text += String(repeating: "1730000000.000000 2024-10-27 10:00:00 MainProcess-1 MainThread parsl.dataflow.dflow:100 f INFO: a task ran\n", count: 4000)
        let long = folder.appendingPathComponent("long.parsl.log")
        try text.write(to: long, atomically: true, encoding: .utf8)
        let compressed = try Data(contentsOf: URL(fileURLWithPath: try Scratch.gzip(long.path, into: folder)))
        let cut = folder.appendingPathComponent("cut.log.gz")
        try compressed.prefix(compressed.count - 200).write(to: cut)
        let result = try Binary.run(["check", "--format", "json", cut.path])
        let report = try JSONReport(result)
        #expect(result.status == 2)
        #expect(report.messages == 2, "the messages before the cut are audited")
        let error = report.inputs.first?["error"] as? String ?? ""
        #expect(error.contains("gzip stream cut short at compressed byte"), "\(error)")
        #expect(result.stderr.contains("cut short"))

        var damaged = compressed
        let middle = damaged.count / 2
        for i in middle..<(middle + 8) { damaged[i] ^= 0xA5 }
        let broken = folder.appendingPathComponent("damaged.log.gz")
        try damaged.write(to: broken)
        let damagedResult = try Binary.run(["check", "--format", "json", broken.path])
        #expect(damagedResult.status == 2)
        let damagedError = try JSONReport(damagedResult).inputs.first?["error"] as? String ?? ""
        #expect(damagedError.contains("gzip data damaged at compressed byte"), "\(damagedError)")
    }

    // MARK: single JSON documents

    @Test func aPrettyPrintedMessageIsOneMessage() throws {
        let folder = try Binary.temporaryDirectory()
        let message = try Scratch.messages(in: Self.wire)[0]
        let file = folder.appendingPathComponent("message.json")
        try JSONSerialization.data(withJSONObject: message, options: [.prettyPrinted, .sortedKeys]).write(to: file)
        let report = try JSONReport(Binary.run(["check", "--format", "json", file.path]))
        #expect(report.inputs.first?["kind"] as? String == "json")
        #expect(report.messages == 1)
        #expect(!report.findingRules.contains("protocol.invalid-json"))
        #expect(report.findingRules.contains("privacy.user-code-identifier"), "the wire line's own leak, found again")
        #expect(report.locators.allSatisfy { $0 == ["line": 1] })
    }

    @Test func anArrayOfMessagesIsLocatedByTheLineEachBegins() throws {
        let folder = try Binary.temporaryDirectory()
        let messages = try Scratch.messages(in: Self.wire)
        let file = folder.appendingPathComponent("messages.json")
        let data = try JSONSerialization.data(withJSONObject: messages, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: file)
        let text = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let starts = text.indices.filter { text[$0] == "  {" }.map { $0 + 1 }
        #expect(starts.count == messages.count)
        let report = try JSONReport(Binary.run(["check", "--format", "json", file.path]))
        #expect(report.messages == messages.count)
        #expect(report.messageLocators == starts.map { ["line": $0] })
        #expect(!report.findingRules.contains("protocol.invalid-json"))
    }

    @Test func aBrokenElementIsReportedAtItsLineAndTheOthersAudited() throws {
        let folder = try Binary.temporaryDirectory()
        let messages = try Scratch.messages(in: Self.wire)
        let first = String(decoding: try JSONSerialization.data(withJSONObject: messages[0]), as: UTF8.self)
        let file = folder.appendingPathComponent("broken.json")
        try "[\n\(first),\n{\"correlator\": NaN},\n\(first)\n]\n".write(to: file, atomically: true, encoding: .utf8)
        let report = try JSONReport(Binary.run(["check", "--format", "json", file.path]))
        #expect(report.messages == 3)
        #expect(report.findings.contains { $0["rule"] as? String == "protocol.invalid-json" && ($0["locator"] as? [String: Int]) == ["line": 3] })
    }

    // MARK: folders

    @Test func aRunFolderAuditsItsUsageInputsAndListsTheRestAsSkipped() throws {
        let runinfo = try Scratch.runinfo()
        let result = try Binary.run(["check", "--format", "json", runinfo.path])
        let report = try JSONReport(result)
        #expect(result.status == 1, "the run's real leaks fail it; nothing in the folder is an input error")
        let sources = report.inputs.map { ($0["source"] as? String ?? "").replacingOccurrences(of: runinfo.path + "/", with: "") }
        #expect(sources == sources.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, "sorted path order")
        func entry(_ name: String) -> [String: Any]? {
            report.inputs.first { ($0["source"] as? String) == runinfo.appendingPathComponent(name).path }
        }
        #expect(entry("000/parsl.log")?["kind"] as? String == "log")
        #expect(entry("000/parsl.log.gz")?["kind"] as? String == "log")
        #expect(entry("000/capture.pcap")?["kind"] as? String == "pcap")
        #expect(entry("000/pretty.json")?["kind"] as? String == "json")
        #expect((entry("000/parsl.log")?["messages"] as? Int ?? 0) > 0)
        for (name, reason) in [
            ("000/parsl.log.expected.json", "no usage message"), ("pip-freeze.txt", "text with no usage message"),
            ("bin/true", "ELF"), ("random.bin", "binary data"), ("empty", "empty"), ("000/loop", "symbolic link loop"),
            ("dangling", "broken symbolic link"), ("notes.ndjson", "no usage message"),
        ] {
            let skipped = entry(name)?["skipped"] as? String
            #expect(skipped?.contains(reason) == true, "\(name): \(skipped ?? "not listed as skipped")")
            #expect(entry(name)?["error"] is NSNull)
        }
        #expect(!report.findingRules.contains("input.no-messages"), "skipped files are listed, not warned about")
    }

    @Test func aFolderOfNothingUsableIsListedNotAnError() throws {
        let folder = try Binary.temporaryDirectory()
        try "numpy==1.26.4\nparsl==2024.10.14\n".write(
            to: folder.appendingPathComponent("pip-freeze.txt"), atomically: true, encoding: .utf8)
        let result = try Binary.run(["check", "--format", "json", folder.path])
        #expect(result.status == 0)
        #expect(try JSONReport(result).inputs.count == 1)
    }

    // MARK: what is not a usage input

    @Test func anExplicitFileThatIsNoUsageInputIsStatus2NamingWhatWasExpected() throws {
        let folder = try Binary.temporaryDirectory()
        let elf = folder.appendingPathComponent("true")
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: elf.path)
        let random = folder.appendingPathComponent("random.bin")
        var generator = SystemRandomNumberGenerator()
        try Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: random)
        let freeze = folder.appendingPathComponent("pip-freeze.txt")
        try "attrs==23.2.0\nparsl==2024.10.14\npsutil==5.9.8\n".write(to: freeze, atomically: true, encoding: .utf8)
        for (file, what) in [(elf, "ELF"), (random, "binary data"), (freeze, "text with no usage message")] {
            let result = try Binary.run(["check", "--format", "json", file.path])
            #expect(result.status == 2, "\(file.lastPathComponent)")
            let error = try JSONReport(result).inputs.first?["error"] as? String ?? ""
            #expect(error.contains("not a usage input") && error.contains(what), "\(error)")
            #expect(error.contains("expected a pcap or pcapng capture"))
            #expect(result.stderr.contains(file.lastPathComponent))
            #expect(!result.stdout.contains("protocol."), "no protocol findings for a file that is not one")
        }
    }

    // MARK: nothing audited is never silent

    @Test func anEmptyInputOrStandardInputWarnsThatNothingWasAudited() throws {
        let folder = try Binary.temporaryDirectory()
        let empty = folder.appendingPathComponent("empty.wire")
        try Data().write(to: empty)
        for arguments in [[empty.path], ["-"]] {
            let result = try Binary.run(["check", "--format", "json"] + arguments, stdin: Data())
            let report = try JSONReport(result)
            #expect(result.status == 0, "a warning, below the default --fail-on")
            #expect(report.findingRules == ["input.no-messages"])
            #expect((report.findings.first?["message"] as? String)?.contains("empty") == true)
            #expect(try Binary.run(["check", "--fail-on", "warning"] + arguments, stdin: Data()).status == 1)
        }
        let disabled = try JSONReport(Binary.run(["check", "--level", "0", "--format", "json", empty.path]))
        #expect(disabled.findingRules.isEmpty, "at --level 0 silence is the pass")
    }

    @Test func devNullOnStandardInputWarns() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = ["check", "-"]
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(text.contains("input.no-messages"))
        #expect(text.contains("the input is empty"))
    }

    @Test func aCaptureOnAnotherPortSaysWhereTheUsageDatagramsWent() throws {
        let folder = try Binary.temporaryDirectory()
        let payloads = try Scratch.messages(in: Self.wire).map { message -> [UInt8] in
            [UInt8(ascii: "1")] + Array(try JSONSerialization.data(withJSONObject: message))
        }
        var datagrams: [(port: UInt16, payload: [UInt8])] = []
        for i in 0..<9 { datagrams.append((50078, payloads[i % payloads.count])) }
        datagrams.append((53, Array("not usage".utf8)))
        let file = folder.appendingPathComponent("other-port.pcap")
        try Data(PcapFile.udp(datagrams)).write(to: file)

        let result = try Binary.run(["check", "--format", "json", file.path])
        let report = try JSONReport(result)
        #expect(result.status == 0)
        #expect(report.findingRules == ["input.no-messages"])
        let message = report.findings.first?["message"] as? String ?? ""
        #expect(message.contains("10 frames"), "\(message)")
        #expect(message.contains("9 datagrams to port 50078 look like usage messages; --port 50078?"), "\(message)")

        let right = try JSONReport(Binary.run(["check", "--format", "json", "--port", "50078", file.path]))
        #expect(right.messages == 9)
        #expect(!right.findingRules.contains("input.no-messages"))
    }

    @Test func minMessagesTurnsTooFewIntoAnError() throws {
        let clean = "Fixtures/handmade/clean-levels.wire"
        let enough = try Binary.run(["check", "--min-messages", "4", clean])
        #expect(enough.status == 0, "\(enough.stdout)")
        let tooFew = try Binary.run(["check", "--format", "json", "--min-messages", "5", clean])
        #expect(tooFew.status == 1)
        let finding = try JSONReport(tooFew).findings.first { $0["rule"] as? String == "input.too-few-messages" }
        #expect((finding?["message"] as? String)?.contains("4 distinct usage messages") == true)
        #expect(finding?["severity"] as? String == "error")
        // The same messages seen in two inputs (the wire and the log of one run) count once.
        let twice = try JSONReport(
            Binary.run(["check", "--format", "json", "--min-messages", "3", Self.wire, Self.log]))
        #expect(twice.findingRules.contains("input.too-few-messages"))
    }

    // MARK: small things users hit

    @Test func choicesAreCaseInsensitive() throws {
        let result = try Binary.run(["check", "--format", "JSON", "--level", "Auto", "--fail-on", "ERROR", "Fixtures/handmade/clean-levels.wire"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try JSONReport(result).messages == 4)
        #expect(try Binary.run(["check", "--input-type", "WIRE", "Fixtures/handmade/clean-levels.wire"]).status == 0)
    }

    @Test func helpPrintsTheThreadsDefaultOnce() throws {
        let help = try Binary.run(["check", "--help"]).stdout
        let threads = help.components(separatedBy: "--threads").dropFirst().first ?? ""
        let entry = threads.components(separatedBy: "\n  -").first ?? ""
        #expect(entry.components(separatedBy: "default").count == 2, "\(entry)")
    }

    @Test func aMistypedCommandGetsASuggestion() throws {
        let result = try Binary.run(["chek", "lo.pcap"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown command 'chek'; did you mean 'check'?"), "\(result.stderr)")
        #expect(try Binary.run(["lisen"]).stderr.contains("did you mean 'listen'?"))
    }

    @Test func validateHintsAtNDJSONAndSaysWhyASchemaCannotBeRead() throws {
        let folder = try Binary.temporaryDirectory()
        let schema = folder.appendingPathComponent("schema.json")
        try "{\"type\": \"object\"}".write(to: schema, atomically: true, encoding: .utf8)
        let lines = folder.appendingPathComponent("lines.json")
        try "{\"a\": 1}\n{\"b\": 2}\n".write(to: lines, atomically: true, encoding: .utf8)
        let hinted = try Binary.run(["validate", "--schema", schema.path, lines.path])
        #expect(hinted.status == 1)
        #expect(hinted.stdout.contains("use --ndjson"), "\(hinted.stdout)")
        #expect(try Binary.run(["validate", "--ndjson", "--schema", schema.path, lines.path]).status == 0)

        let missing = try Binary.run(["validate", "--schema", folder.appendingPathComponent("missing.json").path, lines.path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("No such file or directory"), "\(missing.stderr)")
        let directory = try Binary.run(["validate", "--schema", folder.path, lines.path])
        #expect(directory.stderr.contains("is a directory"), "\(directory.stderr)")
    }

    /// `validate` reads gzip as `check` does: a compressed file and compressed standard input give the
    /// plain file's results.
    @Test func validateReadsGzipFilesAndStandardInput() throws {
        let folder = try Binary.temporaryDirectory()
        let schema = folder.appendingPathComponent("schema.json")
        try #"{"properties": {"level": {"enum": [1, 2, 3]}}}"#.write(to: schema, atomically: true, encoding: .utf8)
        let lines = folder.appendingPathComponent("lines.ndjson")
        try "{\"level\": 1}\n{\"level\": 9}\n{\"level\": 3}\n".write(to: lines, atomically: true, encoding: .utf8)
        let compressed = try Scratch.gzip(lines.path, into: folder)
        let plain = try Binary.run(["validate", "--ndjson", "--schema", schema.path, lines.path])
        #expect(plain.stdout.hasSuffix("2 valid, 1 invalid\n"), "\(plain.stdout)")
        let file = try Binary.run(["validate", "--ndjson", "--schema", schema.path, compressed])
        #expect(file.status == 1)
        #expect(file.stdout == plain.stdout.replacingOccurrences(of: lines.path, with: compressed), "\(file.stderr)")
        let piped = try Binary.run(
            ["validate", "--ndjson", "--schema", schema.path, "-"],
            stdin: try Data(contentsOf: URL(fileURLWithPath: compressed)))
        #expect(piped.status == 1)
        #expect(piped.stdout == plain.stdout.replacingOccurrences(of: lines.path, with: "-"), "\(piped.stderr)")
    }
}

/// A JSON report read back for assertions.
struct JSONReport {
    let status: Int32
    let json: [String: Any]

    init(_ result: Binary.Result) throws {
        status = result.status
        json = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "not a JSON report: \(result.stdout.prefix(300)) \(result.stderr.prefix(300))")
    }

    var summary: NSDictionary { (json["summary"] as? NSDictionary) ?? [:] }
    var messages: Int { (json["summary"] as? [String: Any])?["messages"] as? Int ?? -1 }
    var inputs: [[String: Any]] { json["inputs"] as? [[String: Any]] ?? [] }
    var findings: [[String: Any]] { json["findings"] as? [[String: Any]] ?? [] }
    var findingRules: [String] { findings.compactMap { $0["rule"] as? String } }
    var locators: [[String: Int]] { findings.compactMap { $0["locator"] as? [String: Int] } }
    var messageLocators: [[String: Int]] {
        (json["messages"] as? [[String: Any]] ?? []).compactMap { $0["locator"] as? [String: Int] }
    }
}

/// Inputs made the way users make them.
enum Scratch {
    /// `gzip -c FILE > FOLDER/NAME.gz`, with the system's gzip.
    static func gzip(_ file: String, into folder: URL) throws -> String {
        let target = folder.appendingPathComponent(URL(fileURLWithPath: file).lastPathComponent + ".gz")
        let result = try ProcessRunner.run("gzip", ["-c", URL(fileURLWithPath: file, relativeTo: Binary.root).path])
        guard result.status == 0 else { throw ScratchError(message: "gzip failed on \(file): \(result.stderr)") }
        try result.stdoutData.write(to: target)
        return target.path
    }

    /// The messages of a wire file, decoded (each line without its protocol byte).
    static func messages(in wire: String) throws -> [Any] {
        let text = try String(contentsOf: URL(fileURLWithPath: wire, relativeTo: Binary.root), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try JSONSerialization.jsonObject(with: Data(line.dropFirst().utf8))
        }
    }

    /// A folder like a real run's `runinfo/`: its log (plain and gzip), a capture, a pretty-printed message,
    /// and what else such folders hold: expected-findings files, `pip freeze` output, an executable, random
    /// bytes, an empty file, a link back up (a loop) and a dangling link.
    static func runinfo() throws -> URL {
        let root = try Binary.temporaryDirectory().appendingPathComponent("runinfo")
        let run = root.appendingPathComponent("000")
        let manager = FileManager.default
        try manager.createDirectory(at: run, withIntermediateDirectories: true)
        try manager.createDirectory(at: root.appendingPathComponent("bin"), withIntermediateDirectories: true)
        let real = Binary.root.appendingPathComponent("Fixtures/real/2024.10.14")
        try manager.copyItem(
            at: real.appendingPathComponent("level3-htex-acme.parsl.log"), to: run.appendingPathComponent("parsl.log"))
        _ = try gzip(run.appendingPathComponent("parsl.log").path, into: run)
        try manager.copyItem(
            at: real.appendingPathComponent("level3-htex-acme.parsl.log.expected.json"),
            to: run.appendingPathComponent("parsl.log.expected.json"))
        try manager.copyItem(
            at: real.appendingPathComponent("level1-htex.pcap"), to: run.appendingPathComponent("capture.pcap"))
        let message = try messages(in: InputsEndToEndTests.wire)[0]
        try JSONSerialization.data(withJSONObject: message, options: .prettyPrinted)
            .write(to: run.appendingPathComponent("pretty.json"))
        try "attrs==23.2.0\nparsl==2024.10.14\n".write(
            to: root.appendingPathComponent("pip-freeze.txt"), atomically: true, encoding: .utf8)
        try "{\"task\": 1, \"status\": \"done\"}\n".write(
            to: root.appendingPathComponent("notes.ndjson"), atomically: true, encoding: .utf8)
        try manager.copyItem(atPath: "/bin/true", toPath: root.appendingPathComponent("bin/true").path)
        var generator = SystemRandomNumberGenerator()
        try Data((0..<2048).map { _ in UInt8.random(in: 0...255, using: &generator) })
            .write(to: root.appendingPathComponent("random.bin"))
        try Data().write(to: root.appendingPathComponent("empty"))
        try manager.createSymbolicLink(atPath: run.appendingPathComponent("loop").path, withDestinationPath: "..")
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("dangling").path, withDestinationPath: "nowhere")
        return root
    }

    struct ScratchError: Error { var message: String }
}

/// A pcap file (microseconds, little-endian, Ethernet) of IPv4 UDP datagrams from 127.0.0.1 to 127.0.0.1.
enum PcapFile {
    static func udp(_ datagrams: [(port: UInt16, payload: [UInt8])]) -> [UInt8] {
        var bytes: [UInt8] = []
        func le32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        func le16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        le32(0xA1B2_C3D4); le16(2); le16(4); le32(0); le32(0); le32(65_535); le32(1)
        for (index, datagram) in datagrams.enumerated() {
            var frame: [UInt8] = Array(repeating: 0, count: 12) + [0x08, 0x00]
            let udpLength = 8 + datagram.payload.count
            let total = 20 + udpLength
            frame += [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0, UInt8(index & 0xFF), 0x40, 0, 64, 17, 0, 0]
            frame += [127, 0, 0, 1, 127, 0, 0, 1]
            frame += [0xC3, 0x50, UInt8(datagram.port >> 8), UInt8(datagram.port & 0xFF)]
            frame += [UInt8(udpLength >> 8), UInt8(udpLength & 0xFF), 0, 0]
            frame += datagram.payload
            le32(1_730_000_000 + UInt32(index)); le32(0); le32(UInt32(frame.count)); le32(UInt32(frame.count))
            bytes += frame
        }
        return bytes
    }
}
