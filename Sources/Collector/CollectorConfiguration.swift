import NIOCore

/// How `usage-audit listen` runs: where it listens, where it keeps the journal, and when it stops.
public struct CollectorConfiguration: Sendable {
    /// Loopback only by default: the collector is for the machine it runs on (a CI job, an auditor's laptop).
    public static let defaultHost = "127.0.0.1"
    /// The port Parsl sends to.
    public static let defaultPort = 50077
    /// Asked of the kernel for the socket's receive queue. Linux reserves twice this for bookkeeping; a small
    /// Parsl datagram costs about 1.3 KB of it, so 8 MiB holds a burst of some 12,000 messages while the
    /// collector is busy.
    public static let defaultReceiveBufferBytes = 8 << 20

    /// The address to bind: an IPv4 or IPv6 literal (`127.0.0.1`, `::1`).
    public var host: String
    /// The UDP port; 0 lets the kernel pick a free one (tests).
    public var port: Int
    /// The journal file to create; it must not exist, or be empty.
    public var journalPath: String
    public var receiveBufferBytes: Int
    /// Stop after this many seconds (`--duration`).
    public var duration: Double?
    /// Stop once this many datagrams are journaled (`--max-messages`).
    public var maxMessages: Int?
    /// How often the kernel's drop counter is read while listening, so drops show up live.
    public var dropPollInterval: TimeAmount
    /// A file written once the socket is bound, holding its address and port (`127.0.0.1:50077`), so a CI job
    /// knows when to start the client without reading standard error (`--ready-file`).
    public var readyFile: String?
    /// Fewer distinct messages than this in the run is an `input.too-few-messages` error (`--min-messages`).
    public var minimumMessages: Int?
    /// Whether a run that received no usage message gets `input.no-messages`; not at `--level 0`, where
    /// silence is the pass.
    public var reportsNoMessages = true
    /// On a stop, how long the collector keeps reading datagrams the kernel already queued before it closes
    /// the socket (they arrived before the stop, so they belong to the run).
    public var drainLimit: TimeAmount

    public init(
        host: String = CollectorConfiguration.defaultHost, port: Int = CollectorConfiguration.defaultPort,
        journalPath: String, receiveBufferBytes: Int = CollectorConfiguration.defaultReceiveBufferBytes,
        duration: Double? = nil, maxMessages: Int? = nil, dropPollInterval: TimeAmount = .seconds(1),
        drainLimit: TimeAmount = .milliseconds(500)
    ) {
        self.host = host
        self.port = port
        self.journalPath = journalPath
        self.receiveBufferBytes = receiveBufferBytes
        self.duration = duration
        self.maxMessages = maxMessages
        self.dropPollInterval = dropPollInterval
        self.drainLimit = drainLimit
    }

    /// The address to bind, or why the configuration cannot run.
    func validatedAddress() throws(CollectorError) -> SocketAddress {
        guard (0...65_535).contains(port) else {
            throw CollectorError(code: .badConfiguration, message: "--port \(port) is not a UDP port (0-65535)")
        }
        if let duration, !(duration > 0 && duration.isFinite) {
            throw CollectorError(
                code: .badConfiguration, message: "--duration \(duration) must be a positive number of seconds")
        }
        if let maxMessages, maxMessages < 1 {
            throw CollectorError(code: .badConfiguration, message: "--max-messages \(maxMessages) must be at least 1")
        }
        guard receiveBufferBytes > 0 else {
            throw CollectorError(code: .badConfiguration, message: "the receive buffer must be at least 1 byte")
        }
        do {
            return try SocketAddress(ipAddress: host, port: port)
        } catch {
            throw CollectorError(
                code: .badConfiguration,
                message: "--bind \(host): not an IPv4 or IPv6 address (for example 127.0.0.1 or ::1)")
        }
    }
}

/// Why the collector could not start or run.
public struct CollectorError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let badConfiguration = Code(rawValue: "bad-configuration")
        public static let cannotBind = Code(rawValue: "cannot-bind")
        public static let journal = Code(rawValue: "journal")
        public static let checker = Code(rawValue: "checker")
        public static let readyFile = Code(rawValue: "ready-file")
    }
    public var code: Code
    public var message: String
    public var cause: (any Error)?

    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}

/// What ended a run.
public enum StopReason: String, Sendable, CustomStringConvertible {
    case interrupted = "SIGINT"
    case terminated = "SIGTERM"
    case duration = "--duration"
    case maxMessages = "--max-messages"
    /// The journal could not be written: listening on would check datagrams that are not kept.
    case journalFailed = "a journal write failure"
    /// Asked by the embedding code (tests).
    case requested = "a stop request"

    public var description: String { rawValue }
}
