import CaptureReaders
import Testing

@Suite("link layers")
struct LinkLayerTests {
    static let ipv4Message = Build.ipv4(payload: Build.udp(payload: Build.usagePayload(1)))
    static let ipv6Message = Build.ipv6(payload: Build.udp(payload: Build.usagePayload(1)))

    /// A link type, a frame around the IPv4 message and one around the IPv6 message (nil when the link
    /// type carries only one of them).
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var linkType: UInt32
        var ipv4Frame: [UInt8]?
        var ipv6Frame: [UInt8]?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "Ethernet", linkType: 1,
            ipv4Frame: Build.ethernet(etherType: Build.etherTypeIPv4, payload: ipv4Message),
            ipv6Frame: Build.ethernet(etherType: Build.etherTypeIPv6, payload: ipv6Message)),
        Case(
            name: "Ethernet, 802.1Q", linkType: 1,
            ipv4Frame: Build.ethernet(etherType: Build.etherTypeIPv4, tags: [0x8100], payload: ipv4Message),
            ipv6Frame: Build.ethernet(etherType: Build.etherTypeIPv6, tags: [0x8100], payload: ipv6Message)),
        Case(
            name: "Ethernet, 802.1ad + 802.1Q", linkType: 1,
            ipv4Frame: Build.ethernet(etherType: Build.etherTypeIPv4, tags: [0x88A8, 0x8100], payload: ipv4Message),
            ipv6Frame: Build.ethernet(etherType: Build.etherTypeIPv6, tags: [0x88A8, 0x8100], payload: ipv6Message)),
        Case(
            name: "Linux cooked v1", linkType: 113,
            ipv4Frame: Build.linuxCooked(protocolType: Build.etherTypeIPv4, payload: ipv4Message),
            ipv6Frame: Build.linuxCooked(protocolType: Build.etherTypeIPv6, payload: ipv6Message)),
        Case(
            name: "Linux cooked v2", linkType: 276,
            ipv4Frame: Build.linuxCooked2(protocolType: Build.etherTypeIPv4, payload: ipv4Message),
            ipv6Frame: Build.linuxCooked2(protocolType: Build.etherTypeIPv6, payload: ipv6Message)),
        Case(
            name: "BSD loopback, little-endian host, AF_INET6 of macOS (30)", linkType: 0,
            ipv4Frame: Build.bsdLoopback(family: 2, bigEndian: false, payload: ipv4Message),
            ipv6Frame: Build.bsdLoopback(family: 30, bigEndian: false, payload: ipv6Message)),
        Case(
            name: "BSD loopback, big-endian host, AF_INET6 of FreeBSD (28)", linkType: 0,
            ipv4Frame: Build.bsdLoopback(family: 2, bigEndian: true, payload: ipv4Message),
            ipv6Frame: Build.bsdLoopback(family: 28, bigEndian: true, payload: ipv6Message)),
        Case(
            name: "BSD loopback, AF_INET6 of NetBSD/OpenBSD (24)", linkType: 0, ipv4Frame: nil,
            ipv6Frame: Build.bsdLoopback(family: 24, bigEndian: false, payload: ipv6Message)),
        Case(
            name: "OpenBSD loopback (LOOP)", linkType: 108,
            ipv4Frame: Build.bsdLoopback(family: 2, bigEndian: true, payload: ipv4Message),
            ipv6Frame: Build.bsdLoopback(family: 24, bigEndian: true, payload: ipv6Message)),
        Case(name: "raw IP (101)", linkType: 101, ipv4Frame: ipv4Message, ipv6Frame: ipv6Message),
        Case(name: "raw IP (DLT 12)", linkType: 12, ipv4Frame: ipv4Message, ipv6Frame: ipv6Message),
        Case(name: "raw IP (DLT 14)", linkType: 14, ipv4Frame: ipv4Message, ipv6Frame: ipv6Message),
        Case(name: "raw IPv4 (228)", linkType: 228, ipv4Frame: ipv4Message, ipv6Frame: nil),
        Case(name: "raw IPv6 (229)", linkType: 229, ipv4Frame: nil, ipv6Frame: ipv6Message),
    ]

    @Test("each link type, in pcap and pcapng", arguments: cases)
    func linkType(_ testCase: Case) throws {
        let frames = [testCase.ipv4Frame, testCase.ipv6Frame].compactMap { $0 }.map { TestFrame($0) }
        let files = [
            TestCapture.pcap(frames, linkType: testCase.linkType),
            TestCapture.pcapng(frames, interfaces: [.init(linkType: UInt16(testCase.linkType))]),
        ]
        for file in files {
            let events = try readEvents(file)
            #expect(events.count == frames.count)
            let datagrams = events.compactMap(\.datagram)
            #expect(datagrams.map(\.frame) == Array(1...frames.count))
            #expect(datagrams.allSatisfy { $0.payload == Build.usagePayload(1) })
            if testCase.ipv6Frame != nil {
                #expect(datagrams.last?.source.description == "[2001:db8::5]:40000")
                #expect(datagrams.last?.destination.address.description == "2001:db8::5077")
            }
        }
    }

    @Test("an unsupported link type is one event per interface, and its frames still count")
    func unsupportedLinkType() throws {
        let radiotap = TestFrame(Array(repeating: 0, count: 40), interface: 0)
        let frames = [radiotap, radiotap, usageFrame(1).with(interface: 1), radiotap, usageFrame(2).with(interface: 1)]
        let file = TestCapture.pcapng(
            frames, interfaces: [.init(linkType: 127, name: "wlan0mon"), .init(linkType: 1, name: "eth0")])
        let events = try readEvents(file)
        #expect(events.count == 3)
        let link = try #require(events.first?.unsupportedLink)
        #expect(link == UnsupportedLinkType(frame: 1, interface: 0, linkType: 127, name: "IEEE802_11_RADIO"))
        #expect(events.compactMap(\.datagram).map(\.frame) == [3, 5])

        let pcapEvents = try readEvents(TestCapture.pcap([radiotap, radiotap], linkType: 127))
        #expect(pcapEvents.compactMap(\.unsupportedLink).map(\.frame) == [1])
        #expect(pcapEvents.count == 1)
    }

    @Test("IPv4 with options, IPv6 with hop-by-hop and destination options")
    func headerOptions() throws {
        // Record route (7) with room for one address, then end of options: 8 bytes.
        let withOptions = Build.ipv4(
            payload: Build.udp(payload: Build.usagePayload(1)), options: [7, 7, 4, 0, 0, 0, 0, 0])
        let withExtensions = Build.ipv6(
            nextHeader: 0,
            payload: Build.optionsHeader(next: 60) + Build.optionsHeader(next: 17)
                + Build.udp(payload: Build.usagePayload(2)))
        let events = try readEvents(
            TestCapture.pcap([TestFrame(withOptions), TestFrame(withExtensions)], linkType: 101))
        #expect(events.compactMap(\.datagram).map(\.payload) == [Build.usagePayload(1), Build.usagePayload(2)])
    }

    @Test("a capture full of other traffic yields nothing but the usage message")
    func otherTraffic() throws {
        var frames: [TestFrame] = []
        for index in 0..<50 {
            frames.append(
                TestFrame(
                    Build.ethernet(
                        etherType: Build.etherTypeIPv4,
                        payload: Build.ipv4(
                            payload: Build.udp(
                                sourcePort: 53000, destinationPort: 53,
                                payload: Build.dnsQuery("host\(index).example.org"))))))
            frames.append(
                TestFrame(
                    Build.ethernet(
                        etherType: Build.etherTypeIPv4,
                        payload: Build.ipv4(
                            protocolNumber: 6, payload: Build.tcp(payload: Build.usagePayload(index))))))
            frames.append(usageFrame(index, destinationPort: 50078))
            // From port 50077 to another port: a reply, not a usage message.
            frames.append(
                TestFrame(
                    Build.ethernet(
                        etherType: Build.etherTypeIPv6,
                        payload: Build.ipv6(
                            payload: Build.udp(sourcePort: 50077, destinationPort: 40000, payload: [1, 2, 3])))))
            frames.append(TestFrame(Build.arpRequest()))
            frames.append(
                TestFrame(
                    Build.ethernet(
                        etherType: Build.etherTypeIPv6, payload: Build.ipv6(nextHeader: 58, payload: [128, 0, 0, 0]))))
        }
        frames.append(usageFrame(99))
        let events = try readEvents(TestCapture.pcap(frames))
        #expect(events.count == 1)
        #expect(events.first?.datagram?.frame == frames.count)
        #expect(events.first?.datagram?.payload == Build.usagePayload(99))
    }

    @Test("frames too short for their headers are skipped, not read past")
    func shortFrames() throws {
        let full = usageFrame(1).bytes
        // Every prefix of an Ethernet/IPv4/UDP frame, as a frame whose original length is the same (not a
        // snap-length cut): only the complete one is a datagram.
        let frames = (0...full.count).map { TestFrame(Array(full.prefix($0))) }
        let events = try readEvents(TestCapture.pcap(frames))
        #expect(events.compactMap(\.datagram).map(\.frame) == [full.count + 1])
        // The prefixes that show the port but cut the payload are truncated datagrams.
        #expect(events.compactMap(\.truncation).count == full.count - (14 + 20 + 4))
    }
}

extension TestFrame {
    func with(interface: Int) -> TestFrame {
        var copy = self
        copy.interface = interface
        return copy
    }
}
