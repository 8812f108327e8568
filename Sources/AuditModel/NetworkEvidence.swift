/// Who sent a datagram, to whom, when and on which interface: what a capture or a `listen` journal knows
/// about a message beyond its bytes. An auditor with a cluster-wide capture needs it to tell which machine
/// to fix.
///
/// One reference wide: its four strings sit in a shared, immutable box. Every message, finding, record and
/// sighting carries an optional evidence, and most carry none (a log, NDJSON); inline, the four strings made
/// each of those structs 64 bytes larger, copied and destroyed field by field wherever one moved. A change
/// (the redactor's masks) makes a new box.
public struct NetworkEvidence: Sendable, Hashable {
    /// The four fields, compared and hashed as they always were (synthesized).
    private struct Fields: Sendable, Hashable {
        var from: String
        var to: String?
        var time: String
        var interface: String?
    }

    private final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    /// A changed copy of the fields in a new box (the box is shared, so it is never changed in place).
    private mutating func change(_ edit: (inout Fields) -> Void) {
        var fields = box.fields
        edit(&fields)
        box = Box(fields)
    }

    /// The sender as `ADDR:PORT` (`[ADDR]:PORT` for IPv6).
    public var from: String {
        get { box.fields.from }
        set { change { $0.from = newValue } }
    }
    /// The receiver as `ADDR:PORT`, when known (a journal does not record the address `listen` bound).
    public var to: String? {
        get { box.fields.to }
        set { change { $0.to = newValue } }
    }
    /// The capture or receive time, RFC 3339 in UTC with microseconds (`2026-11-20T10:00:03.000000Z`).
    public var time: String {
        get { box.fields.time }
        set { change { $0.time = newValue } }
    }
    /// The pcapng interface's name (`eth0`), when the capture names it.
    public var interface: String? {
        get { box.fields.interface }
        set { change { $0.interface = newValue } }
    }

    public init(from: String, to: String?, time: String, interface: String? = nil) {
        box = Box(Fields(from: from, to: to, time: time, interface: interface))
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.box === rhs.box || lhs.box.fields == rhs.box.fields }

    public func hash(into hasher: inout Hasher) { hasher.combine(box.fields) }

    /// The sender's address without its port: `10.0.0.7`, `::1` (the host inventory's key).
    public var senderAddress: String { Self.address(of: from) }

    /// The address part of an `ADDR:PORT` or `[ADDR]:PORT` endpoint. Found in the endpoint's UTF-8 bytes
    /// (the brackets and the colon are ASCII): searched by `Character`, as it was, the host inventory spent
    /// about 3,700 instructions here for each message and finding of a capture, 5% of checking it.
    public static func address(of endpoint: String) -> String {
        // The bytes where they lie (as `String.withUTF8InPlace` reads them): copying the string to call
        // `withUTF8` cost a retain and a release a call; only a bridged string is copied.
        if let found = endpoint.utf8.withContiguousStorageIfAvailable(address(inUTF8:)) { return found ?? endpoint }
        var bridged = endpoint
        return bridged.withUTF8(address(inUTF8:)) ?? endpoint
    }

    /// The address in an endpoint's bytes; `nil` when the endpoint is all address (no port).
    private static func address(inUTF8 endpoint: UnsafeBufferPointer<UInt8>) -> String? {
        let address: Range<Int>
        if endpoint.first == UInt8(ascii: "["), let close = endpoint.firstIndex(of: UInt8(ascii: "]")) {
            address = 1..<close
        } else if let colon = endpoint.lastIndex(of: UInt8(ascii: ":")) {
            address = 0..<colon
        } else {
            return nil
        }
        return String(decoding: UnsafeBufferPointer(rebasing: endpoint[address]), as: UTF8.self)
    }

    /// `ADDR:PORT`, or `[ADDR]:PORT` when the address is IPv6 (holds a colon).
    public static func endpoint(address: String, port: Int) -> String {
        address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    /// RFC 3339 UTC with microseconds for a time since the Unix epoch. Defensive: nanoseconds beyond a second
    /// carry into the seconds, negative ones borrow, so any pair of integers prints a valid time.
    public static func rfc3339(seconds: Int64, nanoseconds: Int64) -> String {
        let (carry, remainder) = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        var wholeSeconds = seconds.addingReportingOverflow(carry).partialValue
        var nanos = remainder
        if nanos < 0 {
            nanos += 1_000_000_000
            wholeSeconds = wholeSeconds.subtractingReportingOverflow(1).partialValue
        }
        let (days, secondOfDay) = Self.floorDivision(wholeSeconds, 86_400)
        let (year, month, day) = civil(fromDays: days)
        if (0...9999).contains(year) {
            // Every packet's time: its 27 bytes written in place (every field is then at least 0). Built from
            // padded strings it cost 8,500 instructions a packet, a tenth of checking a capture.
            return String(unsafeUninitializedCapacity: 27) { text in
                var end = 0
                func put(_ value: Int64, _ width: Int, _ after: Unicode.Scalar) {
                    var rest = value
                    for position in (end..<(end + width)).reversed() {
                        text[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                        rest /= 10
                    }
                    text[end + width] = UInt8(ascii: after)
                    end += width + 1
                }
                put(year, 4, "-")
                put(month, 2, "-")
                put(day, 2, "T")
                put(secondOfDay / 3600, 2, ":")
                put(secondOfDay / 60 % 60, 2, ":")
                put(secondOfDay % 60, 2, ".")
                put(nanos / 1000, 6, "Z")
                return end
            }
        }
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value.magnitude)
            return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(nanos / 1000, 6))Z"
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// The proleptic Gregorian date of a day number counted from 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`).
    private static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days / 2 > Int64.max / 4 ? Int64.max / 2 : days + 719_468
        let (era, _) = floorDivision(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// One sighting of a message: where it was seen, and the network evidence when the input has it.
public struct Observation: Sendable, Hashable {
    public var source: String
    public var locator: Locator
    public var network: NetworkEvidence?

    public init(source: String, locator: Locator, network: NetworkEvidence? = nil) {
        self.source = source
        self.locator = locator
        self.network = network
    }
}
