/// The link layers this reader decodes, and how to find the IP packet inside a frame of each.
enum LinkLayer: Sendable, Equatable {
    /// `LINKTYPE_ETHERNET` (1), with any number of 802.1Q / 802.1ad / QinQ tags.
    case ethernet
    /// `LINKTYPE_LINUX_SLL` (113): Linux "cooked" v1, what `tcpdump -i any` wrote until libpcap 1.10.
    case linuxCooked
    /// `LINKTYPE_LINUX_SLL2` (276): Linux "cooked" v2.
    case linuxCooked2
    /// `LINKTYPE_NULL` (0): BSD loopback (macOS `lo0`), a 4-byte address family in the byte order of the
    /// machine that captured.
    case bsdLoopback
    /// `LINKTYPE_LOOP` (108): OpenBSD loopback, the same 4-byte family in network byte order.
    case openBSDLoopback
    /// Raw IP, version from the first nibble: `LINKTYPE_RAW` (101) and the `DLT_RAW` values 12 and 14.
    case rawIP
    /// `LINKTYPE_IPV4` (228).
    case rawIPv4
    /// `LINKTYPE_IPV6` (229).
    case rawIPv6

    /// The layer for a link-type number from a pcap header, a pcapng interface description or libpcap's
    /// `pcap_datalink`; `nil` for the ones we do not decode.
    init?(linkType: Int) {
        switch linkType {
        case 1: self = .ethernet
        case 113: self = .linuxCooked
        case 276: self = .linuxCooked2
        case 0: self = .bsdLoopback
        case 108: self = .openBSDLoopback
        case 12, 14, 101: self = .rawIP
        case 228: self = .rawIPv4
        case 229: self = .rawIPv6
        default: return nil
        }
    }

    /// The network protocol carried by a frame and where its packet starts.
    enum Network: Equatable {
        case ipv4(offset: Int)
        case ipv6(offset: Int)
        /// ARP, LLDP, IPX, a frame too short to tell: nothing for us.
        case other
    }

    private static let etherTypeIPv4: UInt16 = 0x0800
    private static let etherTypeIPv6: UInt16 = 0x86DD

    /// Finds the IP packet in `frame` (the captured bytes).
    func network(in frame: UnsafeRawBufferPointer) -> Network {
        switch self {
        case .ethernet:
            // Destination and source MAC, then EtherType; each VLAN tag (802.1Q 0x8100, 802.1ad 0x88A8, the
            // older QinQ 0x9100 and 0x9200) inserts 4 bytes before the real EtherType.
            var typeOffset = 12
            while typeOffset + 2 <= frame.count {
                let etherType = frame.integer(UInt16.self, at: typeOffset)
                switch etherType {
                case 0x8100, 0x88A8, 0x9100, 0x9200: typeOffset += 4
                default: return Self.byEtherType(etherType, offset: typeOffset + 2)
                }
            }
            return .other
        case .linuxCooked:
            // Packet type, ARPHRD type, address length, 8 address bytes, then the protocol (EtherType).
            guard frame.count >= 16 else { return .other }
            return Self.byEtherType(frame.integer(UInt16.self, at: 14), offset: 16)
        case .linuxCooked2:
            // Protocol first, then reserved, interface index, ARPHRD type, packet type, address: 20 bytes.
            guard frame.count >= 20 else { return .other }
            return Self.byEtherType(frame.integer(UInt16.self, at: 0), offset: 20)
        case .bsdLoopback, .openBSDLoopback:
            guard frame.count >= 4 else { return .other }
            // The family is in the capturing host's byte order for NULL; a value above 0xFFFF read one way
            // is the other byte order (families are small numbers).
            var family = frame.integer(UInt32.self, at: 0, bigEndian: self == .openBSDLoopback)
            if family > 0xFFFF { family = family.byteSwapped }
            switch family {
            case 2: return .ipv4(offset: 4)  // AF_INET everywhere
            case 10, 24, 28, 30: return .ipv6(offset: 4)  // AF_INET6: Linux, Net/OpenBSD, FreeBSD, Darwin
            default: return .other
            }
        case .rawIP:
            guard frame.count >= 1 else { return .other }
            switch frame[0] >> 4 {
            case 4: return .ipv4(offset: 0)
            case 6: return .ipv6(offset: 0)
            default: return .other
            }
        case .rawIPv4:
            return .ipv4(offset: 0)
        case .rawIPv6:
            return .ipv6(offset: 0)
        }
    }

    private static func byEtherType(_ etherType: UInt16, offset: Int) -> Network {
        switch etherType {
        case etherTypeIPv4: .ipv4(offset: offset)
        case etherTypeIPv6: .ipv6(offset: offset)
        default: .other
        }
    }
}
