/// What one frame holds for the audited port.
enum FrameContent {
    /// Not a UDP datagram to the port: other traffic, or a packet too mangled to tell.
    case nothing
    /// A whole UDP datagram to the port; `payload` indexes the frame's bytes.
    case datagram(source: CaptureEndpoint, destination: CaptureEndpoint, payload: Range<Int>)
    /// A UDP datagram to the port whose end is missing from the capture.
    case truncated(source: CaptureEndpoint, destination: CaptureEndpoint)
    /// One fragment of a fragmented IPv4 or IPv6 datagram that may be UDP.
    case fragment(FragmentPiece)
    /// A UDP datagram to another port; `payload` indexes the part of it the capture holds. Only counted, so
    /// that a capture with nothing for the port can say where its usage-like datagrams went.
    case otherPort(UInt16, payload: Range<Int>)
}

/// Identifies the fragments of one datagram: RFC 791 uses source, destination, protocol and identification
/// (the protocol is always UDP here); RFC 8200 uses source, destination and the 32-bit identification.
struct FragmentKey: Hashable {
    var source: IPAddress
    var destination: IPAddress
    var identification: UInt32
}

/// One fragment as the decoder found it.
struct FragmentPiece {
    var key: FragmentKey
    /// Where its bytes go in the reassembled datagram (after the IP header / the fragment header).
    var offset: Int
    /// How many bytes the IP header says it carries.
    var declaredLength: Int
    /// No "more fragments" flag: this fragment fixes the datagram's length.
    var isLast: Bool
    /// Its bytes in the frame; shorter than `declaredLength` when the snap length cut it.
    var data: Range<Int>
    /// The protocol of the reassembled bytes: UDP for IPv4, the fragment header's next header for IPv6.
    var nextHeader: UInt8
    /// For the first fragment (offset 0): what its headers say about the destination.
    var firstFragmentTarget: FirstFragmentTarget
}

/// What the first fragment reveals: its UDP header's destination port, or that it is not UDP at all.
enum FirstFragmentTarget: Equatable {
    /// Not the first fragment, or the first fragment is too short to show the port.
    case unknown
    case udpPort(UInt16)
    /// The IPv6 header chain leads to something other than UDP (TCP, ICMPv6, ESP).
    case notUDP
}

/// Decodes IPv4, IPv6 and UDP headers, finding the datagrams to one port. Pure functions of the bytes:
/// every offset is checked against the captured length before it is read.
struct PacketDecoder {
    let port: UInt16

    /// Upper bound on IPv6 extension headers followed, so that a hostile chain cannot loop for long.
    static let maxExtensionHeaders = 16

    func decode(_ frame: UnsafeRawBufferPointer, link: LinkLayer) -> FrameContent {
        switch link.network(in: frame) {
        case .ipv4(let offset): decodeIPv4(frame, at: offset)
        case .ipv6(let offset): decodeIPv6(frame, at: offset)
        case .other: .nothing
        }
    }

    func decodeIPv4(_ bytes: UnsafeRawBufferPointer, at start: Int) -> FrameContent {
        guard bytes.count - start >= 20, bytes[start] >> 4 == 4 else { return .nothing }
        let headerLength = Int(bytes[start] & 0x0F) * 4  // options included
        let totalLength = Int(bytes.integer(UInt16.self, at: start + 2))
        guard headerLength >= 20, bytes.count - start >= headerLength, totalLength >= headerLength,
            bytes[start + 9] == 17
        else { return .nothing }
        let flagsAndOffset = bytes.integer(UInt16.self, at: start + 6)
        let moreFragments = flagsAndOffset & 0x2000 != 0
        let fragmentOffset = Int(flagsAndOffset & 0x1FFF) * 8
        let source = IPAddress.v4(bytes.integer(UInt32.self, at: start + 12))
        let destination = IPAddress.v4(bytes.integer(UInt32.self, at: start + 16))
        let payloadStart = start + headerLength
        let declaredEnd = start + totalLength
        let capturedEnd = min(bytes.count, declaredEnd)
        if moreFragments || fragmentOffset != 0 {
            let identification = UInt32(bytes.integer(UInt16.self, at: start + 4))
            var target = FirstFragmentTarget.unknown
            if fragmentOffset == 0 && capturedEnd - payloadStart >= 4 {
                target = .udpPort(bytes.integer(UInt16.self, at: payloadStart + 2))
            }
            return .fragment(
                FragmentPiece(
                    key: FragmentKey(source: source, destination: destination, identification: identification),
                    offset: fragmentOffset, declaredLength: totalLength - headerLength, isLast: !moreFragments,
                    data: payloadStart..<max(payloadStart, capturedEnd), nextHeader: 17,
                    firstFragmentTarget: target))
        }
        return decodeUDP(
            bytes, at: payloadStart, declaredEnd: declaredEnd, capturedEnd: capturedEnd, source: source,
            destination: destination)
    }

    func decodeIPv6(_ bytes: UnsafeRawBufferPointer, at start: Int) -> FrameContent {
        guard bytes.count - start >= 40, bytes[start] >> 4 == 6 else { return .nothing }
        let payloadLength = Int(bytes.integer(UInt16.self, at: start + 4))
        let source = IPAddress.v6(
            high: bytes.integer(UInt64.self, at: start + 8), low: bytes.integer(UInt64.self, at: start + 16))
        let destination = IPAddress.v6(
            high: bytes.integer(UInt64.self, at: start + 24), low: bytes.integer(UInt64.self, at: start + 32))
        // A payload length of 0 announces a jumbogram (RFC 2675); its real length is in a hop-by-hop option
        // we do not parse, so the frame's own end stands in for it.
        let declaredEnd = payloadLength == 0 ? bytes.count : start + 40 + payloadLength
        return decodeIPv6Chain(
            bytes, at: start + 40, nextHeader: bytes[start + 6], declaredEnd: declaredEnd,
            capturedEnd: min(bytes.count, declaredEnd), source: source, destination: destination,
            fragmentHeaderAllowed: true)
    }

    /// Follows IPv6 extension headers (hop-by-hop, routing, destination options, AH, fragment) to UDP.
    func decodeIPv6Chain(
        _ bytes: UnsafeRawBufferPointer, at start: Int, nextHeader: UInt8, declaredEnd: Int, capturedEnd: Int,
        source: IPAddress, destination: IPAddress, fragmentHeaderAllowed: Bool
    ) -> FrameContent {
        var cursor = start
        var header = nextHeader
        for _ in 0..<Self.maxExtensionHeaders {
            switch header {
            case 17:
                return decodeUDP(
                    bytes, at: cursor, declaredEnd: declaredEnd, capturedEnd: capturedEnd, source: source,
                    destination: destination)
            case 0, 43, 60, 51:
                guard cursor + 2 <= capturedEnd else { return .nothing }
                // AH counts its length in 4-byte units minus 2; the others in 8-byte units minus 1.
                let length = header == 51 ? (Int(bytes[cursor + 1]) + 2) * 4 : (Int(bytes[cursor + 1]) + 1) * 8
                header = bytes[cursor]
                cursor += length
            case 44 where fragmentHeaderAllowed:
                guard cursor + 8 <= capturedEnd else { return .nothing }
                let following = bytes[cursor]
                let offsetAndFlags = bytes.integer(UInt16.self, at: cursor + 2)
                let fragmentOffset = Int(offsetAndFlags & 0xFFF8)
                let moreFragments = offsetAndFlags & 1 != 0
                cursor += 8
                // An "atomic fragment" (offset 0, no more fragments, RFC 6946) is a whole datagram.
                if fragmentOffset == 0 && !moreFragments {
                    header = following
                    continue
                }
                guard [17, 0, 43, 60, 51].contains(following) else { return .nothing }
                var target = FirstFragmentTarget.unknown
                if fragmentOffset == 0 {
                    // Even when it is not UDP, the reassembler must see it: otherwise the later fragments
                    // would look like a UDP datagram whose first fragment went missing.
                    target = firstFragmentTarget(
                        bytes, at: cursor, nextHeader: following, capturedEnd: capturedEnd)
                }
                return .fragment(
                    FragmentPiece(
                        key: FragmentKey(
                            source: source, destination: destination,
                            identification: bytes.integer(UInt32.self, at: cursor - 4)),
                        offset: fragmentOffset, declaredLength: max(0, declaredEnd - cursor),
                        isLast: !moreFragments, data: cursor..<max(cursor, capturedEnd), nextHeader: following,
                        firstFragmentTarget: target))
            default:
                return .nothing  // TCP, ICMPv6, ESP (encrypted), no next header, a second fragment header
            }
        }
        return .nothing
    }

    /// The UDP destination port visible in an IPv6 first fragment, after its remaining extension headers.
    private func firstFragmentTarget(
        _ bytes: UnsafeRawBufferPointer, at start: Int, nextHeader: UInt8, capturedEnd: Int
    ) -> FirstFragmentTarget {
        var cursor = start
        var header = nextHeader
        for _ in 0..<Self.maxExtensionHeaders {
            switch header {
            case 17:
                return cursor + 4 <= capturedEnd ? .udpPort(bytes.integer(UInt16.self, at: cursor + 2)) : .unknown
            case 0, 43, 60, 51:
                guard cursor + 2 <= capturedEnd else { return .unknown }
                let length = header == 51 ? (Int(bytes[cursor + 1]) + 2) * 4 : (Int(bytes[cursor + 1]) + 1) * 8
                header = bytes[cursor]
                cursor += length
            default:
                return .notUDP
            }
        }
        return .unknown
    }

    /// A UDP header at `start`; `declaredEnd` is where the IP header says the packet ends, `capturedEnd`
    /// where the captured bytes end (earlier when the snap length cut the frame).
    func decodeUDP(
        _ bytes: UnsafeRawBufferPointer, at start: Int, declaredEnd: Int, capturedEnd: Int, source: IPAddress,
        destination: IPAddress
    ) -> FrameContent {
        guard capturedEnd - start >= 4, declaredEnd - start >= 8 else { return .nothing }
        let destinationPort = bytes.integer(UInt16.self, at: start + 2)
        guard destinationPort == port else {
            let end = min(capturedEnd, declaredEnd)
            return .otherPort(destinationPort, payload: min(start + 8, end)..<end)
        }
        let sourceEndpoint = CaptureEndpoint(address: source, port: bytes.integer(UInt16.self, at: start))
        let destinationEndpoint = CaptureEndpoint(address: destination, port: destinationPort)
        guard capturedEnd - start >= 8 else {
            return .truncated(source: sourceEndpoint, destination: destinationEndpoint)
        }
        // The UDP length wins when it is plausible; a zero (IPv6 jumbogram) or impossible value falls back to
        // the IP layer's length, as Wireshark does.
        let udpLength = Int(bytes.integer(UInt16.self, at: start + 4))
        let end = udpLength >= 8 && start + udpLength <= declaredEnd ? start + udpLength : declaredEnd
        guard end <= capturedEnd else {
            return .truncated(source: sourceEndpoint, destination: destinationEndpoint)
        }
        return .datagram(source: sourceEndpoint, destination: destinationEndpoint, payload: (start + 8)..<end)
    }
}
