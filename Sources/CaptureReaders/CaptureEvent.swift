/// One thing a capture says about the datagrams sent to the audited port, in frame order.
///
/// Every UDP datagram to the port is accounted for: it is delivered whole (`datagram`), or its loss is
/// reported (`truncated`, `fragmentMissing`), or the reason nothing could be read is reported
/// (`unsupportedLinkType`, `damaged`). Traffic to other ports, TCP and non-IP frames yield nothing.
public enum CaptureEvent: Sendable, Equatable {
    /// A complete UDP datagram to the port (reassembled when it came in fragments).
    case datagram(CapturedDatagram)
    /// A UDP datagram to the port that the capture's snap length cut: its payload is incomplete
    /// (contract rule `capture.truncated`).
    case truncated(TruncatedDatagram)
    /// A fragmented datagram that could not be reassembled: a fragment never arrived before the timeout or
    /// the end of the capture, fragments disagreed, or the reassembly buffer was full
    /// (contract rule `capture.fragment-missing`).
    case fragmentMissing(FragmentLoss)
    /// Frames on an interface whose link type this reader cannot decode; reported once per interface, at its
    /// first frame. Its frames are still counted, so later frame numbers stay right.
    case unsupportedLinkType(UnsupportedLinkType)
    /// The file is corrupt or cut short. Every frame before `frame` was delivered; nothing follows this event.
    case damaged(CaptureDamage)
}

/// A time stamp as the capture recorded it: seconds since the Unix epoch and nanoseconds.
///
/// Kept in integers so that nanosecond captures round-trip exactly; `Double` would lose the last digits.
public struct CaptureTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since the epoch (negative before it).
    public let seconds: Int64
    /// The fraction of the second, always `0 ..< 1_000_000_000`: every initializer carries whole seconds
    /// over, so a capture's out-of-range fraction (a microsecond field of 5,000,000, say) cannot break it.
    public let nanoseconds: UInt32

    /// The time `seconds` plus `nanoseconds` (any count, carried into whole seconds), saturating at the
    /// limits of `Int64` seconds rather than trapping on a hostile value.
    public init<Nanoseconds: BinaryInteger>(seconds: Int64, nanoseconds: Nanoseconds) {
        let (carried, fraction) = Self.split(nanoseconds)
        let (sum, overflow) = seconds.addingReportingOverflow(carried)
        if overflow {
            // Only possible when both have the same sign: the time is beyond what Int64 seconds hold.
            self.seconds = carried > 0 ? .max : .min
            self.nanoseconds = carried > 0 ? 999_999_999 : 0
        } else {
            self.seconds = sum
            self.nanoseconds = fraction
        }
    }

    /// Whole seconds (rounded down) and the remaining nanoseconds of a count of nanoseconds.
    private static func split<Nanoseconds: BinaryInteger>(_ nanoseconds: Nanoseconds) -> (Int64, UInt32) {
        let perSecond: Nanoseconds = 1_000_000_000
        var (quotient, remainder) = nanoseconds.quotientAndRemainder(dividingBy: perSecond)
        if remainder < 0 {
            quotient -= 1
            remainder += perSecond
        }
        return (Int64(clamping: quotient), UInt32(remainder))
    }

    /// This time plus `seconds`, saturating at the limits of `Int64` seconds.
    public func adding(seconds extra: Int64) -> CaptureTimestamp {
        let (sum, overflow) = seconds.addingReportingOverflow(extra)
        guard !overflow else { return CaptureTimestamp(seconds: extra > 0 ? .max : .min, nanoseconds: 0) }
        return CaptureTimestamp(seconds: sum, nanoseconds: nanoseconds)
    }

    /// Seconds since the epoch as a `Double`, for display and arithmetic where nanoseconds do not matter.
    public var secondsSinceEpoch: Double { Double(seconds) + Double(nanoseconds) / 1e9 }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// `1795555185.701525000`; before the epoch, `-0.250000000` for a quarter second before it.
    public var description: String {
        var whole = seconds
        var fraction = nanoseconds
        var sign = ""
        if whole < 0 {
            sign = "-"
            // -2 s + 0.75 s is -1.25 s: the magnitude's whole part and fraction.
            if fraction > 0 {
                whole += 1
                fraction = 1_000_000_000 - fraction
            }
        }
        let digits = String(fraction)
        return sign + String(whole.magnitude) + "." + String(repeating: "0", count: 9 - digits.count) + digits
    }
}

/// An IPv4 or IPv6 address.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// The four bytes in network order, most significant first (`127.0.0.1` is `0x7F00_0001`).
    case v4(UInt32)
    /// The sixteen bytes in network order, as two big-endian halves.
    case v6(high: UInt64, low: UInt64)

    /// Dotted quad for IPv4, RFC 5952 text (`::1`, `fe80::1`) for IPv6.
    public var description: String {
        switch self {
        case .v4(let value):
            return String(unsafeUninitializedCapacity: 15) { text in
                var end = 0
                Self.writeDottedQuad(value, to: text, at: &end)
                return end
            }
        case .v6(let high, let low):
            let groups = (0..<8).map { index -> UInt16 in
                let half = index < 4 ? high : low
                return UInt16(truncatingIfNeeded: half >> (UInt64(3 - index % 4) * 16))
            }
            return Self.rfc5952(groups)
        }
    }

    /// Writes `value` as a dotted quad at `end` (at most 15 bytes), moving `end` past it. Every captured
    /// datagram's two endpoints are written so: by string interpolation (four numbers' descriptions, and
    /// the address's through a dynamic conformance check) they cost about 1,300 instructions a datagram.
    static func writeDottedQuad(_ value: UInt32, to text: UnsafeMutableBufferPointer<UInt8>, at end: inout Int) {
        for shift in stride(from: 24, through: 0, by: -8) {
            writeDecimal(UInt16(truncatingIfNeeded: value >> UInt32(shift)) & 0xFF, to: text, at: &end)
            if shift > 0 {
                text[end] = UInt8(ascii: ".")
                end += 1
            }
        }
    }

    /// Writes `value` in decimal at `end` (at most 5 bytes), moving `end` past it.
    static func writeDecimal(_ value: UInt16, to text: UnsafeMutableBufferPointer<UInt8>, at end: inout Int) {
        var digits = 1, rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        rest = value
        for position in (end..<(end + digits)).reversed() {
            text[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
        end += digits
    }

    /// The longest run (two or more) of zero groups becomes `::`, the first such run on a tie.
    private static func rfc5952(_ groups: [UInt16]) -> String {
        var bestStart = -1, bestLength = 0, index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - index > bestLength { bestStart = index; bestLength = end - index }
                index = end
            } else {
                index += 1
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestLength >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }
}

/// An address and a UDP port.
public struct CaptureEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// `127.0.0.1:50077`, `[::1]:50077`.
    public var description: String {
        switch address {
        case .v4(let value):
            String(unsafeUninitializedCapacity: 21) { text in
                var end = 0
                IPAddress.writeDottedQuad(value, to: text, at: &end)
                text[end] = UInt8(ascii: ":")
                end += 1
                IPAddress.writeDecimal(port, to: text, at: &end)
                return end
            }
        case .v6: "[" + address.description + "]:" + String(port)
        }
    }
}

/// A UDP datagram to the audited port, with its payload.
public struct CapturedDatagram: Sendable, Equatable {
    /// The 1-based frame number as Wireshark shows it; for a reassembled datagram, the frame that completed it.
    public var frame: Int
    /// The time stamp of that frame.
    public var timestamp: CaptureTimestamp
    /// The sender's address and UDP port.
    public var source: CaptureEndpoint
    /// The receiver's address and UDP port (the port is the one audited).
    public var destination: CaptureEndpoint
    /// The UDP payload: for Parsl, the protocol byte `1` and the JSON message, or legacy bare JSON.
    public var payload: [UInt8]
    /// How many IP fragments carried it: 1 when it was not fragmented.
    public var fragmentCount: Int
    /// The record of frame `frame` in the file (header and data), as byte offsets from the start of the
    /// capture, when the reader knows it.
    public var record: Range<Int>?
    /// The interface of the frame that completed it, numbered from 0 across the file (0 for pcap): a
    /// capture on several interfaces holds a datagram once per interface.
    public var interface = 0
    /// That interface's name (pcapng `if_name`, e.g. `eth0`), when the capture gives one.
    public var interfaceName: String?

    public init(
        frame: Int, timestamp: CaptureTimestamp, source: CaptureEndpoint, destination: CaptureEndpoint,
        payload: [UInt8], fragmentCount: Int = 1
    ) {
        self.frame = frame
        self.timestamp = timestamp
        self.source = source
        self.destination = destination
        self.payload = payload
        self.fragmentCount = fragmentCount
    }
}

/// A UDP datagram to the audited port that the snap length cut short.
///
/// When `capturedLength == originalLength`, the snap length did not cut the frame: the frame itself is
/// shorter than its IP or UDP header says (a sliced or malformed packet). The datagram is incomplete either way.
public struct TruncatedDatagram: Sendable, Equatable {
    /// The frame the snap length cut (for a fragmented datagram, the first cut fragment).
    public var frame: Int
    /// The time stamp of that frame.
    public var timestamp: CaptureTimestamp
    /// The sender's address and UDP port.
    public var source: CaptureEndpoint
    /// The receiver's address and UDP port.
    public var destination: CaptureEndpoint
    /// The bytes of that frame in the file (pcap's `caplen`): the snap length, more or less.
    public var capturedLength: Int
    /// The length of that frame on the wire (pcap's `len`).
    public var originalLength: Int
    /// The record of frame `frame` in the file, when it is the frame just read and the reader knows it.
    public var record: Range<Int>?
    /// The interface of that frame, numbered from 0 across the file (0 for pcap).
    public var interface = 0
    /// That interface's name (pcapng `if_name`), when the capture gives one.
    public var interfaceName: String?

    public init(
        frame: Int, timestamp: CaptureTimestamp, source: CaptureEndpoint, destination: CaptureEndpoint,
        capturedLength: Int, originalLength: Int
    ) {
        self.frame = frame
        self.timestamp = timestamp
        self.source = source
        self.destination = destination
        self.capturedLength = capturedLength
        self.originalLength = originalLength
    }
}

/// A fragmented datagram whose fragments never all arrived, or could not be put together safely.
public struct FragmentLoss: Sendable, Equatable {
    /// Why the datagram could not be reassembled; the raw values are stable and may appear in reports.
    public enum Reason: String, Sendable, Equatable, CustomStringConvertible {
        /// Some fragment was still missing at the reassembly timeout.
        case timeout
        /// Some fragment was still missing at the end of the capture.
        case endOfCapture = "end-of-capture"
        /// Two fragments carried different bytes for the same offset, or disagreed on the datagram's
        /// length: the datagram is rejected rather than guessed at.
        case inconsistentOverlap = "inconsistent-overlap"
        /// The fragments describe a datagram longer than IP allows (65,535 bytes).
        case oversize
        /// More fragments than any real sender uses (over 512: even a 65,535-byte datagram over IPv6's minimum MTU needs only 53).
        case tooManyFragments = "too-many-fragments"
        /// The reassembly buffer was full (too many datagrams or bytes pending), so the oldest was given up.
        case bufferFull = "buffer-full"

        public var description: String { rawValue }
    }

    /// The first frame that carried one of its fragments.
    public var frame: Int
    /// The last frame that carried one of its fragments.
    public var lastFrame: Int
    /// The time stamp of the first frame.
    public var timestamp: CaptureTimestamp
    /// The IP addresses of the fragments (no ports: those are in the first fragment, which may be missing).
    public var source: IPAddress
    public var destination: IPAddress
    /// The UDP destination port when the first fragment (which holds the UDP header) arrived; `nil` when
    /// it is the first fragment that is missing. Losses known to be for other ports are not reported.
    public var destinationPort: UInt16?
    /// The IP identification field (16 bits for IPv4, 32 for IPv6's fragment header).
    public var identification: UInt32
    /// How many fragments arrived.
    public var fragmentsReceived: Int
    /// How many bytes of the datagram (after the IP header) arrived.
    public var bytesReceived: Int
    /// The datagram's length after the IP header, when its last fragment arrived.
    public var expectedLength: Int?
    public var reason: Reason

    public init(
        frame: Int, lastFrame: Int, timestamp: CaptureTimestamp, source: IPAddress, destination: IPAddress,
        destinationPort: UInt16?, identification: UInt32, fragmentsReceived: Int, bytesReceived: Int,
        expectedLength: Int?, reason: Reason
    ) {
        self.frame = frame
        self.lastFrame = lastFrame
        self.timestamp = timestamp
        self.source = source
        self.destination = destination
        self.destinationPort = destinationPort
        self.identification = identification
        self.fragmentsReceived = fragmentsReceived
        self.bytesReceived = bytesReceived
        self.expectedLength = expectedLength
        self.reason = reason
    }
}

/// Frames on an interface whose link type cannot be decoded.
public struct UnsupportedLinkType: Sendable, Equatable {
    /// The first frame on that interface.
    public var frame: Int
    /// The interface, numbered from 0 in the order the file describes them (always 0 for a pcap file).
    public var interface: Int
    /// The `LINKTYPE_` value of the file (pcap header or pcapng interface description).
    public var linkType: Int
    /// libpcap's name for it (`IEEE802_11_RADIO`), when it has one.
    public var name: String?

    public init(frame: Int, interface: Int, linkType: Int, name: String?) {
        self.frame = frame
        self.interface = interface
        self.linkType = linkType
        self.name = name
    }
}

/// Where and why a capture file stops being readable.
public struct CaptureDamage: Sendable, Equatable {
    /// The frame number the damaged record would have had: every frame before it was delivered.
    public var frame: Int
    /// The byte offset in the file of the damaged record, when known (our pcapng reader knows it; libpcap
    /// does not say).
    public var offset: Int?
    /// What is wrong, in the words of the reader that found it (libpcap's own message for pcap files).
    public var reason: String

    public init(frame: Int, offset: Int?, reason: String) {
        self.frame = frame
        self.offset = offset
        self.reason = reason
    }
}
