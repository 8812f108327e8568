/// Why a byte sequence is not an acceptable JSON document, and where.
///
/// Positions are exact: `offset` is the 0-based byte offset of the offending byte or token, `line` and
/// `column` are 1-based (the column counts Unicode scalars, as an editor shows it).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An extensible error code; the names are stable and appear in reports.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Not JSON syntax.
        public static let syntax = Code(rawValue: "syntax")
        /// `NaN`, `Infinity` or `-Infinity`, which Python's `json.dumps` writes but JSON does not allow.
        public static let nonFiniteNumber = Code(rawValue: "non-finite-number")
        /// Bytes that are not UTF-8.
        public static let invalidUTF8 = Code(rawValue: "invalid-utf8")
        /// Bytes after the end of the JSON value.
        public static let trailingBytes = Code(rawValue: "trailing-bytes")
        /// The input ends inside a value.
        public static let truncated = Code(rawValue: "truncated")
        /// An object repeats a key.
        public static let duplicateKey = Code(rawValue: "duplicate-key")
        /// Nesting deeper than ``JSONParseOptions/maxDepth``.
        public static let depthLimit = Code(rawValue: "depth-limit")
        /// Input longer than ``JSONParseOptions/maxBytes``.
        public static let sizeLimit = Code(rawValue: "size-limit")
        /// An integer that does not fit in 64 bits; it is rejected rather than rounded.
        public static let integerOverflow = Code(rawValue: "integer-overflow")
        /// Anything else jansson reports (out of memory, for instance).
        public static let other = Code(rawValue: "other")
    }

    public let code: Code
    /// A one-line explanation, without the position.
    public let message: String
    public let offset: Int
    public let line: Int
    public let column: Int
    /// The repeated key, for ``Code/duplicateKey``.
    public let key: String?

    public init(code: Code, message: String, offset: Int, line: Int, column: Int, key: String? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
        self.key = key
    }

    public var description: String { "\(message) at line \(line), column \(column) (byte \(offset))" }
}

/// Bounds on what the parser accepts, so that a deep or huge input is an error, never a crash.
public struct JSONParseOptions: Sendable {
    /// The deepest nesting of arrays and objects accepted. jansson's own parser stops at 2048, so that is
    /// the effective ceiling whatever the value here.
    public var maxDepth: Int
    /// The longest input accepted, in bytes.
    public var maxBytes: Int

    public init(maxDepth: Int = 512, maxBytes: Int = 16 << 20) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }

    public static let `default` = JSONParseOptions()
}
