/// A report format the CLI names with `--format` and `--report FORMAT=FILE`.
public enum ReportFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// For a person at a terminal, grouped by input.
    case text
    /// The contract's machine-readable report, key for key.
    case json
    /// SARIF 2.1.0, for code-scanning services.
    case sarif
    /// JUnit XML, for the test tab of CI runners.
    case junit
    /// For a pull-request comment or a CI job summary.
    case markdown
    /// One self-contained page for an auditor.
    case html
    /// GitHub Actions workflow commands: an annotation per finding.
    case github

    /// The CLI spellings, in the order help text lists them.
    public static var names: [String] { allCases.map(\.rawValue) }

    /// Parses a CLI string. Exact and lowercase, as the contract spells them, so a script that works today
    /// does not start to mean something else when a format is added.
    public init(parsing text: String) throws(ReportTargetError) {
        guard let format = ReportFormat(rawValue: text.lowercased()) else {
            throw ReportTargetError(
                code: .unknownFormat, argument: text,
                message: "unknown report format '\(text)'; expected one of: \(Self.names.joined(separator: ", "))")
        }
        self = format
    }

    public var description: String { rawValue }

    /// Which decoded messages (`AuditedMessage.payload`) a format reads: a run keeps those and drops the
    /// others on the thread that decoded them.
    public enum PayloadUse: Sendable {
        case none
        /// The messages findings point at: SARIF says what sits at each finding's pointer (a property, an
        /// element of a list, the whole object).
        case messagesWithFindings
        /// Every message: the HTML report shows what findings point at and counts every message, clean ones
        /// too, in its disclosure matrix.
        case everyMessage
    }

    public var payloadUse: PayloadUse {
        switch self {
        case .html: .everyMessage
        case .sarif: .messagesWithFindings
        case .text, .json, .junit, .markdown, .github: .none
        }
    }

    /// Whether the format shows what report preparation adds to each finding besides its baseline mark: its
    /// fingerprint (JSON, SARIF) and the bytes of its message (SARIF, JSON). The others show a finding's
    /// baseline mark at most, which preparation sets only from a baseline.
    public var showsFingerprints: Bool {
        switch self {
        case .json, .sarif: true
        case .text, .junit, .markdown, .html, .github: false
        }
    }

    /// The usual file extension, for a caller that derives file names.
    public var fileExtension: String {
        switch self {
        case .text: "txt"
        case .json: "json"
        case .sarif: "sarif"
        case .junit: "xml"
        case .markdown: "md"
        case .html: "html"
        case .github: "txt"
        }
    }
}

/// One report to write: a format and where to (`-` is standard output). `--report sarif=out.sarif` parses
/// into one of these, so the CLI only loops over them.
public struct ReportTarget: Sendable, Hashable, CustomStringConvertible {
    public var format: ReportFormat
    /// A file path, or `-` for standard output.
    public var path: String

    public init(format: ReportFormat, path: String) {
        self.format = format
        self.path = path
    }

    public var writesToStandardOutput: Bool { path == "-" }

    /// Parses `FORMAT=FILE`. The split is at the first `=`, so a file name may itself hold `=`.
    public static func parse(_ text: String) throws(ReportTargetError) -> ReportTarget {
        guard let equals = text.firstIndex(of: "=") else {
            throw ReportTargetError(
                code: .missingSeparator, argument: text,
                message: "report '\(text)' is not FORMAT=FILE (for example sarif=audit.sarif)")
        }
        let name = String(text[..<equals])
        let path = String(text[text.index(after: equals)...])
        guard !name.isEmpty else {
            throw ReportTargetError(
                code: .unknownFormat, argument: text,
                message:
                    "report '\(text)' names no format; expected one of: \(ReportFormat.names.joined(separator: ", "))")
        }
        let format = try ReportFormat(parsing: name)
        guard !path.isEmpty else {
            throw ReportTargetError(
                code: .missingPath, argument: text,
                message: "report '\(text)' names no file; use \(name)=FILE, or \(name)=- for standard output")
        }
        return ReportTarget(format: format, path: path)
    }

    public var description: String { "\(format.rawValue)=\(path)" }
}

/// A `--format` or `--report` argument that does not parse.
public struct ReportTargetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Extensible: callers may switch on the known codes and treat unknown ones as generic usage errors.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let unknownFormat = Code(rawValue: "unknown-format")
        public static let missingSeparator = Code(rawValue: "missing-separator")
        public static let missingPath = Code(rawValue: "missing-path")
    }

    public var code: Code
    /// The argument as the user wrote it.
    public var argument: String
    public var message: String

    public var description: String { message }
}
