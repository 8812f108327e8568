import CaptureReaders
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The captures under `Fixtures/captures`, recorded by tcpdump and dumpcap (see `make-captures.sh` there),
/// with the number of frames Wireshark shows as UDP datagrams to port 50077 (`expected-counts.tsv`).
enum CommittedCaptures {
    static let directory = Repository.path("Fixtures/captures")

    static func load() -> [(name: String, tsharkCount: Int)] {
        guard let file = fopen(directory + "/expected-counts.tsv", "r") else { return [] }
        defer { fclose(file) }
        var entries: [(String, Int)] = []
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        while getline(&line, &capacity, file) > 0 {
            let text = String(cString: line!).split(separator: "\n").first.map(String.init) ?? ""
            let fields = text.split(separator: "\t")
            if text.hasPrefix("#") || fields.count != 2 { continue }
            entries.append((String(fields[0]), Int(fields[1]) ?? -1))
        }
        free(line)
        return entries
    }

    static let all = load()

    /// Frames that show a UDP datagram to the port, as Wireshark counts them: each datagram (reassembled
    /// ones once) and each one the snap length cut.
    static func ourCount(_ events: [CaptureEvent]) -> Int {
        events.filter { $0.datagram != nil || $0.truncation != nil }.count
    }

    static func events(_ name: String) throws -> [CaptureEvent] {
        Array(try CaptureReader(path: directory + "/" + name))
    }

    /// The bytes of a committed capture (`fileBytesAt` reads any path).
    static func fileBytes(_ name: String) -> [UInt8] { fileBytesAt(directory + "/" + name) }

    /// The path of an executable on `PATH`, or nil.
    static func executable(_ name: String) -> String? {
        guard let path = getenv("PATH").map({ String(cString: $0) }) else { return nil }
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The number of lines `command` prints on standard output.
    static func countLines(_ command: String) -> Int? {
        guard let pipe = popen(command, "r") else { return nil }
        var lines = 0
        while true {
            let character = getc(pipe)
            if character == EOF { break }
            if character == 10 { lines += 1 }
        }
        return pclose(pipe) == 0 ? lines : nil
    }
}

@Suite("captures recorded by tcpdump and dumpcap")
struct CommittedCaptureTests {
    @Test("the fixture list is there")
    func fixturesPresent() {
        #expect(CommittedCaptures.all.count >= 8, "Fixtures/captures/expected-counts.tsv is missing or short")
    }

    @Test(
        "as many usage datagrams as Wireshark counted when the capture was made",
        arguments: CommittedCaptures.all.map(\.name))
    func recordedCount(_ name: String) throws {
        let expected = try #require(CommittedCaptures.all.first { $0.name == name }).tsharkCount
        let events = try CommittedCaptures.events(name)
        #expect(CommittedCaptures.ourCount(events) == expected)
        #expect(events.compactMap(\.damage).isEmpty)
        #expect(events.compactMap(\.unsupportedLink).isEmpty)
    }

    @Test(
        "as many usage datagrams as tshark counts now",
        .enabled(if: CommittedCaptures.executable("tshark") != nil, "tshark is not installed"),
        arguments: CommittedCaptures.all.map(\.name))
    func liveTshark(_ name: String) throws {
        let command =
            "tshark -r '\(CommittedCaptures.directory)/\(name)' -Y 'udp.dstport==50077 && !icmp && !icmpv6' 2>/dev/null"
        let counted = try #require(CommittedCaptures.countLines(command), "tshark failed on \(name)")
        #expect(CommittedCaptures.ourCount(try CommittedCaptures.events(name)) == counted)
    }

    @Test("the Parsl datagrams of a loopback capture: IPv4, IPv6, legacy, nothing of the TCP or DNS")
    func loopbackContents() throws {
        for name in ["lo-ethernet.pcap", "lo-nanosecond.pcap", "any-linux-sll.pcap", "any-linux-sll2.pcap"] {
            let datagrams = try CommittedCaptures.events(name).compactMap(\.datagram)
            #expect(datagrams.count == 7, "\(name)")
            #expect(datagrams.filter { $0.payload.first == UInt8(ascii: "1") }.count == 6)
            #expect(datagrams.filter { $0.payload.first == UInt8(ascii: "{") }.count == 1)
            #expect(datagrams.filter { $0.destination.description == "[::1]:50077" }.count == 1)
            #expect(datagrams.allSatisfy { $0.destination.port == 50077 && $0.fragmentCount == 1 })
            #expect(datagrams.map(\.frame) == datagrams.map(\.frame).sorted())
        }
        // tcpdump --time-stamp-precision=nano keeps the nanoseconds.
        let nanosecond = try CommittedCaptures.events("lo-nanosecond.pcap").compactMap(\.datagram)
        #expect(nanosecond.contains { $0.timestamp.nanoseconds % 1000 != 0 })
    }

    @Test("the same datagrams whatever the link layer")
    func sameAcrossLinkLayers() throws {
        let payloads = try ["lo-ethernet.pcap", "any-linux-sll.pcap", "any-linux-sll2.pcap"].map {
            try CommittedCaptures.events($0).compactMap(\.datagram).map(\.payload).map { $0.count }
        }
        #expect(payloads[0] == payloads[1] && payloads[1] == payloads[2])
    }

    @Test("dumpcap on two interfaces of different link types, which libpcap 1.10 refuses")
    func mixedLinkTypes() throws {
        let reader = try CaptureReader(path: CommittedCaptures.directory + "/mixed-link-types.pcapng")
        let events = Array(reader)
        #expect(reader.format == .pcapng)
        #expect(events.compactMap(\.datagram).count == 14)
        #expect(events.count == 14)
    }

    @Test("snap length 128: the long datagrams are truncated, with the lengths tcpdump recorded")
    func snapLength() throws {
        let events = try CommittedCaptures.events("lo-snaplen-128.pcap")
        let cut = events.compactMap(\.truncation)
        #expect(cut.count >= 5)
        #expect(cut.allSatisfy { $0.capturedLength == 128 && $0.originalLength > 128 })
    }

    @Test("fragments over a 1500-byte veth pair: IPv4 and IPv6 datagrams reassembled")
    func vethFragments() throws {
        let datagrams = try CommittedCaptures.events("veth-fragments.pcap").compactMap(\.datagram)
        let reassembled = datagrams.filter { $0.fragmentCount > 1 }
        #expect(reassembled.count == 2)
        #expect(reassembled.allSatisfy { $0.payload.count > 4000 && $0.payload.first == UInt8(ascii: "1") })
        #expect(reassembled.contains { $0.destination.description == "[fd00:99::2]:50077" })
        #expect(reassembled.contains { $0.destination.description == "10.99.0.2:50077" })
    }

    @Test("the same capture with a middle fragment removed by editcap: one fragment-missing")
    func vethFragmentMissing() throws {
        let events = try CommittedCaptures.events("veth-fragment-missing.pcap")
        let losses = events.compactMap(\.fragmentLoss)
        #expect(losses.count == 1)
        #expect(losses.first?.destinationPort == 50077)
        #expect(losses.first?.reason == .endOfCapture)
        #expect(losses.first?.fragmentsReceived == 2)
    }

    @Test(
        "a real capture cut anywhere: the frames before the cut, then the damage",
        arguments: ["lo-ethernet.pcap", "mixed-link-types.pcapng"])
    func cutCaptures(_ name: String) throws {
        let whole = CommittedCaptures.fileBytes(name)
        let complete = try CommittedCaptures.events(name).compactMap(\.datagram)
        for cutAt in stride(from: 100, to: whole.count, by: 997) {
            let events = try readEvents(Array(whole.prefix(cutAt)))
            let delivered = events.compactMap(\.datagram)
            #expect(delivered == Array(complete.prefix(delivered.count)))
            if let damage = events.last?.damage {
                #expect(delivered.allSatisfy { $0.frame < damage.frame })
                #expect(events.compactMap(\.damage).count == 1)
            }
        }
    }
}
