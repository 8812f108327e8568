import Bytes
import JSONCore
import JSONSchema
import Storage
import SystemPackage

/// The results of `usage-audit validate`, written as they are made: nothing but the counts is kept, so a
/// run over millions of NDJSON lines holds one result at a time.
///
/// Text is a line per instance (for an invalid one the best match first, then every other failure) and a
/// closing count; JSON is `{"results": [{"instance", "valid", "errors": [output units]}]}`, as the contract
/// defines it, written a result at a time.
public struct ValidationReport {
    public enum Format: String, Sendable, CaseIterable {
        case text, json
    }

    public let format: Format
    private var out: OutputBuffer
    public private(set) var validCount = 0
    public private(set) var invalidCount = 0
    /// The file of the results written last, and how its name starts in the output: names are written from
    /// these bytes and a line number, so a valid line makes no string.
    private var currentFile: String?
    private var namePrefix: [UInt8] = []
    private var quotedFile: [UInt8] = []

    /// A report on `descriptor` (standard output, in the executable).
    public init(format: Format, descriptor: FileDescriptor) {
        self.format = format
        out = OutputBuffer(descriptor: descriptor)
        if format == .json { out.append("{\"results\":[") }
    }

    /// Why the output could not be written, once it could not: nothing more is written after that.
    public var failure: Errno? { out.failure }

    public mutating func write(_ result: InstanceResult) {
        if result.file != currentFile { start(result.file) }
        switch format {
        case .text: writeText(result)
        case .json: writeJSON(result)
        }
        if result.isValid { validCount += 1 } else { invalidCount += 1 }
    }

    /// Writes the end (the count in text, the closing brackets in JSON) and everything still buffered.
    public mutating func finish() {
        switch format {
        case .text: out.append("\(validCount) valid, \(invalidCount) invalid\n")
        case .json: out.append("]}\n")
        }
        out.flush()
    }

    private mutating func start(_ file: String) {
        currentFile = file
        namePrefix = Array(file.utf8) + [UInt8(ascii: ":")]
        // JSON escapes a string scalar by scalar, so the name `FILE:LINE` is the quoted `FILE:` and the digits.
        quotedFile = []
        JSONValue.string(file + ":").write(to: &quotedFile)
        quotedFile.removeLast()  // the closing quote
    }

    private mutating func writeName(_ result: InstanceResult) {
        guard let line = result.line else {
            out.append(result.file)
            return
        }
        out.append(namePrefix)
        out.write { $0.append(decimal: Int64(line)) }
    }

    private mutating func writeText(_ result: InstanceResult) {
        writeName(result)
        guard let best = result.bestMatch else {
            out.append(": valid\n")
            return
        }
        out.append(": invalid: \(Self.line(best))\n")
        for unit in Self.flatten(result.errors) where unit != best { out.append("  also: \(Self.line(unit))\n") }
    }

    private mutating func writeJSON(_ result: InstanceResult) {
        if validCount + invalidCount > 0 { out.append(byte: UInt8(ascii: ",")) }
        guard !result.isValid else {
            out.append("{\"instance\":")
            if let line = result.line {
                out.append(quotedFile)
                out.write { $0.append(decimal: Int64(line)) }
                out.append(byte: UInt8(ascii: "\""))
            } else {
                out.write { JSONValue.string(result.file).write(to: &$0) }
            }
            out.append(",\"valid\":true,\"errors\":[]}")
            return
        }
        let object = JSONValue.object(
            JSONObject([
                ("instance", .string(result.name)), ("valid", .bool(false)),
                ("errors", .array(result.errors.map(\.json))),
            ]))
        out.write { object.write(to: &$0, .init(sortKeys: false)) }
    }

    private static func line(_ unit: OutputUnit) -> String {
        let place = unit.instanceLocation.isRoot ? "the instance" : "'\(unit.instanceLocation)'"
        let keyword = unit.keywordLocation.isRoot && unit.absoluteKeywordLocation.isEmpty ? "" : " [\(unit.keywordLocation)]"
        return "at \(place): \(unit.error)\(keyword)"
    }

    /// Failures with causes listed after their causes' leaves, so nothing nested is lost in text.
    private static func flatten(_ units: [OutputUnit]) -> [OutputUnit] {
        units.flatMap { unit in unit.causes.isEmpty ? [unit] : flatten(unit.causes) }
    }
}
