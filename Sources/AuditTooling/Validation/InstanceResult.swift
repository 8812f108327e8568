import JSONCore
import JSONSchema

/// The verdict on one instance: a whole file, or one line of an NDJSON file.
public struct InstanceResult: Sendable {
    public let file: String
    /// The 1-based line number, for an NDJSON line.
    public let line: Int?
    public let errors: [OutputUnit]
    public let bestMatch: OutputUnit?

    public var isValid: Bool { errors.isEmpty }

    /// How the results name the instance: the file, or `FILE:LINE` for an NDJSON line.
    public var name: String { line.map { "\(file):\($0)" } ?? file }

    /// Parses and validates the instance in `bytes`. An instance that is not JSON is an invalid result whose
    /// parse error is the error.
    init(validating bytes: UnsafeRawBufferPointer, file: String, line: Int?, against schema: Schema) {
        self.file = file
        self.line = line
        let instance: JSONValue
        do {
            instance = try JSONValue.parse(bytes)
        } catch {
            // A second value after the first is most often a file of one value per line.
            let hint = line == nil && error.code == .trailingBytes && error.line > 1 ? " (one JSON value per line? use --ndjson)" : ""
            let unit = Self.notJSON("\(error)\(hint)")
            (errors, bestMatch) = ([unit], unit)
            return
        }
        // The flag evaluation first: most instances are valid, and it builds nothing.
        if schema.isValid(instance) {
            (errors, bestMatch) = ([], nil)
            return
        }
        let full = schema.validate(instance)
        (errors, bestMatch) = (full.errors, full.bestMatch)
    }

    /// The result for an instance beyond the size limit, which is not read past the limit.
    init(tooLargeFile file: String, line: Int?, limit: Int) {
        self.file = file
        self.line = line
        let unit = Self.notJSON("the instance is larger than the limit of \(limit) bytes (not read further)")
        (errors, bestMatch) = ([unit], unit)
    }

    private static func notJSON(_ reason: String) -> OutputUnit {
        OutputUnit(
            keyword: "", instanceLocation: .root, keywordLocation: .root, absoluteKeywordLocation: "",
            error: "not JSON: \(reason)")
    }
}
