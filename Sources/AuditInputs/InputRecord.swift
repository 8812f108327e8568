import AuditModel
import JSONCore

/// The kinds of input `check` reads (CONTRACT: `--input-type`).
public enum InputKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case pcap, log, wire, ndjson, journal, json
    public var description: String { rawValue }

    /// Case-insensitive, as every enumerated option is (`--input-type NDJSON`).
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// What a readable input held, in the reader's terms: what `input.no-messages` tells the user when it held no
/// usage message.
public enum InputContents: Sendable, Equatable {
    /// No byte at all.
    case empty
    /// Lines of text, none of them a usage message.
    case lines(Int)
    /// A capture: its frames, its whole UDP datagrams (to any port), and the other ports whose datagrams look
    /// like usage messages, most first.
    case capture(frames: Int, udpDatagrams: Int, usageLikeByPort: [PortCount])
    /// A collector's run: the datagrams it received (and journaled).
    case received(datagrams: Int)
    /// The reader keeps no account of its contents.
    case unspecified

    public struct PortCount: Sendable, Equatable {
        public var port: UInt16
        public var count: Int
        public init(port: UInt16, count: Int) {
            self.port = port
            self.count = count
        }
    }
}

/// One thing an input reader found: a candidate usage message, or a problem that must be reported.
/// Readers never drop anything silently: what they cannot decode still becomes a record.
public struct InputRecord: Sendable {
    public var locator: Locator
    public var payload: Payload
    /// The bytes of its frame or record, for binary inputs whose reader knows them (SARIF's region).
    public var region: ByteRegion?
    /// Sender, receiver, time and interface, from a capture or a journal; `nil` for text inputs.
    public var network: NetworkEvidence?
    /// The capture interface it was seen on (numbered across the file; 0 for every other input): one
    /// message seen on two interfaces is one send observed twice, repeated on one interface two sends.
    public var interface = 0

    public enum Payload: Sendable {
        /// A UDP payload exactly as the client sent it: protocol byte `1` + JSON today, bare JSON before
        /// April 2024 (from `wire` lines, captures and journals).
        case datagram([UInt8])
        /// One NDJSON line: a JSON message with no protocol byte.
        case json([UInt8])
        /// A message from `parsl.log`, decoded from its Python dict repr (or why it could not be).
        /// `indirect`, as is `problem`: inline, their payloads made every record (a datagram's, a line's)
        /// about 140 bytes larger, and records are moved from reader to batch to auditing thread.
        indirect case logged(kind: MessageKind, value: Result<JSONValue, PythonLiteralError>)
        /// Something wrong with the input: a message that cannot be read as one (counted as an unparsed
        /// message when `problem.isMessage`), or damage to the input as a whole. The rules layer reports it.
        indirect case problem(InputProblem)
    }

    public init(
        locator: Locator, payload: Payload, region: ByteRegion? = nil, network: NetworkEvidence? = nil,
        interface: Int = 0
    ) {
        self.locator = locator
        self.payload = payload
        self.region = region
        self.network = network
        self.interface = interface
    }
}

/// A streaming reader of one input: `next()` returns records in input order, `nil` at the end.
/// Memory stays flat: a reader holds one record (or one bounded reassembly buffer) at a time.
public protocol RecordReader: AnyObject {
    var source: String { get }
    var kind: InputKind { get }
    /// The next record, or `nil` at the end of the input (or when it cannot be read further).
    func next() -> InputRecord?
    /// Set once the input turned out unreadable, wholly or after some records (a damaged capture):
    /// the run's exit status is then 2.
    var readError: String? { get }
    /// What the input held, once read to its end.
    var contents: InputContents { get }
    /// Whether its records may come from more than one capture interface (`InputRecord.interface`): a
    /// message seen on two is one send seen twice, which only the messages' identities can tell.
    var mayHaveSeveralInterfaces: Bool { get }
}

extension RecordReader {
    public var contents: InputContents { .unspecified }
    public var mayHaveSeveralInterfaces: Bool { false }
}

/// A reading error that keeps the input and the place.
public struct InputError: Error, Sendable, CustomStringConvertible {
    public var source: String
    public var message: String
    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }
    public var description: String { "\(source): \(message)" }
}
