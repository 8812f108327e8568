import CaptureReaders
import Testing

@Suite("IP fragment reassembly")
struct FragmentTests {
    static let payload = Build.usagePayload(42, padTo: 3000)
    static let datagram = Build.udp(payload: payload)

    static func ethernetIPv4(_ packet: [UInt8], seconds: Int64 = 1_795_555_185) -> TestFrame {
        TestFrame(Build.ethernet(etherType: Build.etherTypeIPv4, payload: packet), seconds: seconds)
    }

    static func fragments(size: Int = 1480, identification: UInt16 = 0x2222) -> [TestFrame] {
        Build.ipv4Fragments(transport: datagram, size: size, identification: identification).map { ethernetIPv4($0) }
    }

    @Test("in order: one datagram, located at the completing frame")
    func inOrder() throws {
        let frames = Self.fragments()
        #expect(frames.count == 3)
        let events = try readEvents(TestCapture.pcap([usageFrame(1)] + frames))
        let datagrams = events.compactMap(\.datagram)
        #expect(events.count == 2)
        #expect(datagrams.map(\.frame) == [1, 4])
        #expect(datagrams.last?.payload == Self.payload)
        #expect(datagrams.last?.fragmentCount == 3)
    }

    @Test("out of order, with duplicates and a consistent overlap")
    func outOfOrder() throws {
        let pieces = Self.fragments(size: 800)
        #expect(pieces.count == 4)
        // A fragment covering bytes 400..<1200 with the same content as its neighbours.
        let overlap = Self.ethernetIPv4(
            Build.ipv4(
                payload: Array(Self.datagram[400..<1200]), identification: 0x2222, fragmentOffset: 400,
                moreFragments: true))
        let frames = [pieces[3], pieces[1], overlap, pieces[1], pieces[0], pieces[2], pieces[2]]
        let events = try readEvents(TestCapture.pcap(frames))
        #expect(events.count == 1)
        let datagram = try #require(events.first?.datagram)
        #expect(datagram.frame == 6)
        #expect(datagram.payload == Self.payload)
    }

    @Test("interleaved datagrams and other traffic")
    func interleaved() throws {
        let first = Self.fragments(identification: 1)
        let second = Self.fragments(identification: 2)
        let frames = [first[0], second[2], usageFrame(5), second[0], first[2], second[1], first[1]]
        let events = try readEvents(TestCapture.pcap(frames))
        #expect(events.compactMap(\.datagram).map(\.frame) == [3, 6, 7])
    }

    @Test("a fragment that never arrives: fragment-missing at the end of the capture")
    func missingAtEnd() throws {
        let pieces = Self.fragments()
        let events = try readEvents(TestCapture.pcap([pieces[0], pieces[2], usageFrame(1)]))
        #expect(events.count == 2)
        #expect(events.first?.datagram?.frame == 3)
        let loss = try #require(events.last?.fragmentLoss)
        #expect(loss.frame == 1)
        #expect(loss.lastFrame == 2)
        #expect(loss.destinationPort == 50077)
        #expect(loss.reason == .endOfCapture)
        #expect(loss.fragmentsReceived == 2)
        #expect(loss.expectedLength == Self.datagram.count)
        #expect(loss.bytesReceived == Self.datagram.count - 1480)
        #expect(loss.identification == 0x2222)
    }

    @Test("a missing first fragment: the port is unknown, so the loss is reported")
    func missingFirstFragment() throws {
        let pieces = Self.fragments()
        let loss = try #require(try readEvents(TestCapture.pcap([pieces[1], pieces[2]])).first?.fragmentLoss)
        #expect(loss.destinationPort == nil)
        #expect(loss.frame == 1)
    }

    @Test("losses of datagrams to other ports are not reported")
    func otherPortLoss() throws {
        let other = Build.udp(destinationPort: 2049, payload: Self.payload)
        let pieces = Build.ipv4Fragments(transport: other, size: 1480).map { Self.ethernetIPv4($0) }
        #expect(try readEvents(TestCapture.pcap([pieces[0], pieces[2]])).isEmpty)
        #expect(try readEvents(TestCapture.pcap(pieces)).isEmpty)
    }

    @Test("the timeout gives a datagram up before the frames that follow it")
    func timeout() throws {
        let pieces = Self.fragments()
        let frames = [
            pieces[0], usageFrame(1, seconds: 1_795_555_185 + 10), usageFrame(2, seconds: 1_795_555_185 + 31),
        ]
        let events = try readEvents(TestCapture.pcap(frames))
        #expect(events.count == 3)
        #expect(events[0].datagram?.frame == 2)
        #expect(events[1].fragmentLoss?.reason == .timeout)
        #expect(events[2].datagram?.frame == 3)
    }

    @Test("an overlap with different bytes rejects the datagram")
    func inconsistentOverlap() throws {
        let pieces = Self.fragments(size: 800)
        var forged = Array(Self.datagram[800..<1600])
        forged[10] ^= 0xFF
        let overlap = Self.ethernetIPv4(
            Build.ipv4(payload: forged, identification: 0x2222, fragmentOffset: 800, moreFragments: true))
        let frames = [pieces[0], pieces[1], overlap, pieces[2], pieces[3]]
        let events = try readEvents(TestCapture.pcap(frames))
        let loss = try #require(events.first?.fragmentLoss)
        #expect(loss.reason == .inconsistentOverlap)
        #expect(loss.frame == 1)
        #expect(loss.lastFrame == 3)
        // The rest arrives as a new, incomplete datagram: reported at the end, with no port (no first fragment).
        #expect(events.count == 2)
        #expect(events.last?.fragmentLoss?.reason == .endOfCapture)
        #expect(events.compactMap(\.datagram).isEmpty)
    }

    @Test("two last fragments that disagree on the length reject the datagram")
    func conflictingLength() throws {
        let pieces = Self.fragments()
        let shorterEnd = Self.ethernetIPv4(
            Build.ipv4(payload: Array(Self.datagram[2960..<3000]), identification: 0x2222, fragmentOffset: 2960))
        let events = try readEvents(TestCapture.pcap([pieces[0], pieces[2], shorterEnd, pieces[1]]))
        #expect(events.first?.fragmentLoss?.reason == .inconsistentOverlap)
        #expect(events.compactMap(\.datagram).isEmpty)
    }

    @Test("fragments beyond 65,535 bytes are rejected")
    func oversize() throws {
        let first = Build.ipv4Fragments(transport: Self.datagram, size: 1480)[0]
        let beyond = Build.ipv4(
            payload: Array(repeating: 0x41, count: 64), identification: 0x2222, fragmentOffset: 65_528)
        let events = try readEvents(TestCapture.pcap([Self.ethernetIPv4(first), Self.ethernetIPv4(beyond)]))
        #expect(events.map(\.fragmentLoss?.reason) == [.oversize])
    }

    @Test("the reassembly buffer is bounded: the oldest datagram is given up")
    func bufferLimits() throws {
        var frames: [TestFrame] = []
        for identification in 1...5 {
            frames.append(Self.fragments(identification: UInt16(identification))[0])
        }
        let limits = ReassemblyLimits(timeoutSeconds: 30, maxPendingDatagrams: 3, maxPendingBytes: 1 << 20)
        let events = try readEvents(TestCapture.pcap(frames), limits: limits)
        let losses = events.compactMap(\.fragmentLoss)
        #expect(losses.map(\.reason) == [.bufferFull, .bufferFull, .endOfCapture, .endOfCapture, .endOfCapture])
        #expect(losses.map(\.identification) == [1, 2, 3, 4, 5])

        let byteLimits = ReassemblyLimits(timeoutSeconds: 30, maxPendingDatagrams: 100, maxPendingBytes: 4000)
        let byBytes = try readEvents(TestCapture.pcap(frames), limits: byteLimits).compactMap(\.fragmentLoss)
        #expect(byBytes.filter { $0.reason == .bufferFull }.count == 3)
    }

    @Test("a fragment seen again after reassembly (as on `any`) is a duplicate, not a new datagram")
    func duplicateAfterCompletion() throws {
        let pieces = Self.fragments()
        let events = try readEvents(TestCapture.pcap(pieces + [pieces[2], pieces[1]]))
        #expect(events.count == 1)
        #expect(events.first?.datagram?.frame == 3)
    }

    @Test("IPv6 fragments, in and out of order, with extension headers")
    func ipv6() throws {
        let fragmentable = Build.optionsHeader(next: 17) + Build.udp(payload: Self.payload)
        for hopByHop in [false, true] {
            let pieces = Build.ipv6Fragments(nextHeader: 60, fragmentable: fragmentable, size: 1232, hopByHop: hopByHop)
                .map { TestFrame(Build.ethernet(etherType: Build.etherTypeIPv6, payload: $0)) }
            #expect(pieces.count == 3)
            for order in [[0, 1, 2], [2, 0, 1], [1, 2, 1, 0]] {
                let events = try readEvents(TestCapture.pcap(order.map { pieces[$0] }))
                #expect(events.count == 1)
                let datagram = try #require(events.first?.datagram)
                #expect(datagram.payload == Self.payload)
                #expect(datagram.frame == order.count)
                #expect(datagram.source.address.description == "2001:db8::5")
            }
            let loss = try #require(try readEvents(TestCapture.pcap([pieces[0], pieces[2]])).first?.fragmentLoss)
            #expect(loss.identification == 0xDEAD_BEEF)
            #expect(loss.destinationPort == 50077)
        }
    }

    @Test("IPv6 fragments of TCP are not tracked")
    func ipv6TCP() throws {
        let pieces = Build.ipv6Fragments(nextHeader: 6, fragmentable: Build.tcp(payload: Self.payload), size: 1232)
            .map { TestFrame($0) }
        #expect(try readEvents(TestCapture.pcap([pieces[0], pieces[1]], linkType: 229)).isEmpty)
        // Destination options, then TCP: only the first fragment shows it is not UDP; the loss of a later
        // one must not be reported as a usage datagram of unknown port.
        let behindOptions = Build.ipv6Fragments(
            nextHeader: 60, fragmentable: Build.optionsHeader(next: 6) + Build.tcp(payload: Self.payload), size: 1232
        ).map { TestFrame($0) }
        #expect(try readEvents(TestCapture.pcap([behindOptions[0], behindOptions[2]], linkType: 229)).isEmpty)
        #expect(try readEvents(TestCapture.pcap(behindOptions, linkType: 229)).isEmpty)
    }
}
