/// Where a message sits in its input: a capture frame, a text line or a journal record, all 1-based.
public enum Locator: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The frame number as Wireshark shows it (for a reassembled datagram, the frame that completed it).
    case packet(Int)
    case line(Int)
    case record(Int)

    /// `packet`, `line` or `record`: the key the JSON report uses.
    public var kind: String {
        switch self {
        case .packet: "packet"
        case .line: "line"
        case .record: "record"
        }
    }

    public var number: Int {
        switch self {
        case .packet(let n), .line(let n), .record(let n): n
        }
    }

    /// `packet 5`, `line 12`, `record 3`.
    public var description: String { "\(kind) \(number)" }

    public static func < (lhs: Locator, rhs: Locator) -> Bool {
        (lhs.kind, lhs.number) < (rhs.kind, rhs.number)
    }
}
