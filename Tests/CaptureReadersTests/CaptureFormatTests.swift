import CaptureReaders
import Testing

@Suite("pcap and pcapng formats")
struct CaptureFormatTests {
    static let byteOrderAndPrecision: [(bigEndian: Bool, nanoseconds: Bool)] = [
        (false, false), (true, false), (false, true), (true, true),
    ]

    @Test("pcap in either byte order, micro- and nanosecond", arguments: byteOrderAndPrecision)
    func pcapVariants(bigEndian: Bool, nanoseconds: Bool) throws {
        let frames = [usageFrame(1), TestFrame(Build.arpRequest()), usageFrame(2)]
        let events = try readEvents(TestCapture.pcap(frames, bigEndian: bigEndian, nanoseconds: nanoseconds))
        let datagrams = events.compactMap(\.datagram)
        #expect(events.count == 2)
        #expect(datagrams.map(\.frame) == [1, 3])
        #expect(datagrams.map(\.payload) == [Build.usagePayload(1), Build.usagePayload(2)])
        let first = try #require(datagrams.first)
        #expect(first.timestamp.seconds == 1_795_555_185)
        #expect(first.timestamp.nanoseconds == (nanoseconds ? 701_525_123 : 701_525_000))
        #expect(first.source == CaptureEndpoint(address: .v4(Build.ipv4Client), port: 40000))
        #expect(first.destination.description == "128.200.11.12:50077")
        #expect(first.fragmentCount == 1)
    }

    @Test("pcapng with one interface, either byte order, each packet block kind", arguments: [false, true])
    func pcapngOneInterface(bigEndian: Bool) throws {
        for block in [TestCapture.PacketBlock.enhanced, .obsolete, .simple] {
            let frames = [usageFrame(1), TestFrame(Build.arpRequest()), usageFrame(2)]
            let file = TestCapture.pcapng(
                frames, interfaces: [.init(linkType: 1, name: "lo")], bigEndian: bigEndian, packetBlock: block)
            let events = try readEvents(file)
            #expect(events.compactMap(\.datagram).map(\.frame) == [1, 3], "\(block)")
            #expect(events.compactMap(\.datagram).map(\.payload) == [Build.usagePayload(1), Build.usagePayload(2)])
            if block != .simple {  // simple packet blocks carry no time stamp
                #expect(events.first?.datagram?.timestamp.nanoseconds == 701_525_000)
            }
        }
    }

    @Test("pcapng time-stamp resolutions: nanoseconds, 2^-20, seconds")
    func pcapngResolutions() throws {
        let cases: [(resolution: UInt8, expected: UInt32)] = [(9, 701_525_123), (0x80 | 20, 701_524_734), (0, 0)]
        for (resolution, expected) in cases {
            let file = TestCapture.pcapng(
                [usageFrame(1)], interfaces: [.init(linkType: 1, timestampResolution: resolution)])
            let datagram = try #require(try readEvents(file).first?.datagram)
            #expect(datagram.timestamp.seconds == 1_795_555_185)
            #expect(datagram.timestamp.nanoseconds == expected, "resolution \(resolution)")
        }
    }

    @Test("pcapng whose interfaces differ in link type, which libpcap 1.10 refuses")
    func pcapngMixedLinkTypes() throws {
        let message = Build.ipv4(payload: Build.udp(payload: Build.usagePayload(7)))
        let frames = [
            TestFrame(Build.ethernet(etherType: Build.etherTypeIPv4, payload: message), interface: 0),
            TestFrame(Build.linuxCooked(protocolType: Build.etherTypeIPv4, payload: message), interface: 1),
            TestFrame(
                Build.ipv6(payload: Build.udp(payload: Build.usagePayload(8))), interface: 2),
            TestFrame(Build.linuxCooked2(protocolType: Build.etherTypeIPv4, payload: message), interface: 3),
        ]
        let interfaces: [TestCapture.Interface] = [
            .init(linkType: 1, name: "eth0"), .init(linkType: 113, name: "any"),
            .init(linkType: 101, timestampResolution: 9), .init(linkType: 276),
        ]
        for bigEndian in [false, true] {
            let events = try readEvents(TestCapture.pcapng(frames, interfaces: interfaces, bigEndian: bigEndian))
            #expect(events.compactMap(\.datagram).map(\.frame) == [1, 2, 3, 4])
            #expect(events.compactMap(\.datagram).map(\.payload)[2] == Build.usagePayload(8))
            #expect(events.count == 4)
        }
    }

    @Test("pcapng with several sections: interfaces restart, frame numbers do not")
    func pcapngSections() throws {
        let first = TestCapture.pcapng([usageFrame(1)], interfaces: [.init(linkType: 1)])
        let second = TestCapture.pcapng(
            [
                TestFrame(Build.ipv4(payload: Build.udp(payload: Build.usagePayload(2)))),
                usageFrame(9, destinationPort: 53),
            ],
            interfaces: [.init(linkType: 228)], bigEndian: true)
        let third = TestCapture.pcapng([usageFrame(3)], interfaces: [.init(linkType: 1)])
        let events = try readEvents(first + second + third)
        #expect(events.compactMap(\.datagram).map(\.frame) == [1, 2, 4])
        #expect(events.compactMap(\.datagram).map(\.payload) == [1, 2, 3].map { Build.usagePayload($0) })
    }

    @Test("format detection from the magic number, never the name")
    func detection() {
        let pcapMagics: [[UInt8]] = [
            [0xA1, 0xB2, 0xC3, 0xD4], [0xD4, 0xC3, 0xB2, 0xA1], [0xA1, 0xB2, 0x3C, 0x4D], [0x4D, 0x3C, 0xB2, 0xA1],
        ]
        for magic in pcapMagics {
            #expect(CaptureReader.format(ofFirstBytes: magic + [2, 0]) == .pcap)
            #expect(CaptureReader.looksLikeCapture(firstBytes: magic))
        }
        #expect(CaptureReader.format(ofFirstBytes: [0x0A, 0x0D, 0x0D, 0x0A, 0x1C, 0, 0, 0]) == .pcapng)
        #expect(!CaptureReader.looksLikeCapture(firstBytes: Array("1{\"correlator\"".utf8)))
        #expect(!CaptureReader.looksLikeCapture(firstBytes: Array("{}\n".utf8)))
        #expect(!CaptureReader.looksLikeCapture(firstBytes: [0xA1, 0xB2, 0xC3]))
        #expect(!CaptureReader.looksLikeCapture(firstBytes: [UInt8]()))
        // The first bytes of the files the writers in these tests produce.
        #expect(CaptureReader.looksLikeCapture(firstBytes: TestCapture.pcap([]).prefix(4)))
        #expect(CaptureReader.looksLikeCapture(firstBytes: TestCapture.pcapng([], interfaces: []).prefix(4)))
    }

    @Test("a descriptor on a file, positioned after other bytes: the capture starts where it stands")
    func descriptorOffset() throws {
        let capture = TestCapture.pcap([usageFrame(1), usageFrame(2)])
        let file = TemporaryFile(Array("leading text\n".utf8) + capture)
        defer { file.remove() }
        let descriptor = openForReading(file.path)
        defer { closeDescriptor(descriptor) }
        #expect(skipBytes(descriptor, 13))
        let events = Array(try CaptureReader(fileDescriptor: descriptor, name: file.path))
        #expect(events.compactMap(\.datagram).map(\.frame) == [1, 2])
    }

    @Test("another --port")
    func otherPort() throws {
        let file = TestCapture.pcap([usageFrame(1), usageFrame(2, destinationPort: 9999)])
        let events = try readEvents(file, port: 9999)
        #expect(events.compactMap(\.datagram).map(\.frame) == [2])
        #expect(events.first?.datagram?.destination.port == 9999)
    }

    @Test(
        "standard input or a pipe, pcap and pcapng, with bytes the caller already read",
        arguments: [(false, 0), (true, 0), (false, 3), (true, 3), (false, 65536), (true, 65536)])
    func pipe(pcapng: Bool, alreadyRead: Int) throws {
        let frames = (1...400).map { usageFrame($0) }  // about 100 KB: more than the pipe buffer
        let bytes =
            pcapng ? TestCapture.pcapng(frames, interfaces: [.init(linkType: 1)]) : TestCapture.pcap(frames)
        var descriptors: [Int32] = [0, 0]
        #expect(pipeDescriptors(&descriptors))
        // A writer thread feeds the pipe, as tcpdump -w - would; the pipe buffer is smaller than the file.
        // The caller (input-kind detection) has read the first bytes of the pipe itself.
        let writer = PipeWriter(descriptor: descriptors[1], bytes: Array(bytes[alreadyRead...]))
        writer.start()
        let reader = try CaptureReader(
            fileDescriptor: descriptors[0], name: "-", alreadyRead: Array(bytes.prefix(alreadyRead)))
        let events = Array(reader)
        writer.join()
        closeDescriptor(descriptors[0])
        #expect(reader.format == (pcapng ? .pcapng : .pcap))
        #expect(reader.path == "-")
        #expect(events.compactMap(\.datagram).map(\.payload) == (1...400).map { Build.usagePayload($0) })
        #expect(reader.statistics.frames == 400)
        #expect(reader.statistics.datagrams == 400)
    }
}
