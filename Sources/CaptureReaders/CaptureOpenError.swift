/// Why a capture could not be opened. Problems found after the first frame are ``CaptureEvent/damaged(_:)``
/// events instead, so that the frames before them are still audited.
public struct CaptureOpenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An extensible error code; the names are stable and may appear in reports.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The file could not be opened or read (missing, a directory, no permission).
        public static let unreadable = Code(rawValue: "unreadable")
        /// The first bytes are not the magic number of a pcap or pcapng file.
        public static let notACapture = Code(rawValue: "not-a-capture")
        /// The file header is cut short or inconsistent (a pcap header libpcap refuses, a bad pcapng
        /// section header).
        public static let badHeader = Code(rawValue: "bad-header")
    }

    public let code: Code
    /// One line, in the words of the layer that failed (the C library's text for `errno` or libpcap).
    public let message: String
    /// The path given to the reader, or `-` for standard input.
    public let path: String

    public init(code: Code, message: String, path: String) {
        self.code = code
        self.message = message
        self.path = path
    }

    /// `lo.pcap: not a capture: first bytes 7b 22 63 6f are neither pcap nor pcapng magic`.
    public var description: String { "\(path): \(message)" }
}
