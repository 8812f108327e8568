import CaptureReaders
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The captures this test suite writes, read by Wireshark's dissectors too: both readers must extract the
/// same payloads, byte for byte. This checks the test writer and the reader against an independent
/// implementation, so that a mistake made the same way in both cannot pass unseen.
@Suite(
    "agreement with tshark on generated captures",
    .enabled(if: CommittedCaptures.executable("tshark") != nil, "tshark is not installed"))
struct TsharkAgreementTests {
    /// Each payload as lowercase hex, as `tshark -T fields -e data` prints it.
    static func hex(_ payload: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(payload.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }

    static func tsharkPayloads(_ bytes: [UInt8]) throws -> [String] {
        let file = TemporaryFile(bytes)
        defer { file.remove() }
        let output = TemporaryFile([])
        defer { output.remove() }
        let command =
            "tshark -r '\(file.path)' -Y 'udp.dstport==50077 && !icmp && !icmpv6' -T fields -e data"
            + " > '\(output.path)' 2>/dev/null"
        let status = system(command)
        try #require(status == 0, "tshark failed (\(status)): \(command)")
        let text = String(decoding: CommittedCaptures.fileBytesAt(output.path), as: UTF8.self)
        return text.split(separator: "\n").map(String.init)
    }

    static func ourPayloads(_ bytes: [UInt8]) throws -> [String] {
        try readEvents(bytes).compactMap(\.datagram).map { hex($0.payload) }
    }

    @Test("every link type, pcap and pcapng", arguments: LinkLayerTests.cases)
    func linkTypes(_ testCase: LinkLayerTests.Case) throws {
        let frames = [testCase.ipv4Frame, testCase.ipv6Frame].compactMap { $0 }.map { TestFrame($0) }
        for file in [
            TestCapture.pcap(frames, linkType: testCase.linkType, bigEndian: true, nanoseconds: true),
            TestCapture.pcapng(frames, interfaces: [.init(linkType: UInt16(testCase.linkType))]),
        ] {
            let ours = try Self.ourPayloads(file)
            #expect(ours.count == frames.count)
            #expect(ours == (try Self.tsharkPayloads(file)))
        }
    }

    @Test("fragments in and out of order, IPv4 and IPv6, amid other traffic, in a mixed-link-type pcapng")
    func fragmentsAndMixedInterfaces() throws {
        let ipv4 = FragmentTests.fragments(size: 800)
        let fragmentable = Build.optionsHeader(next: 17) + Build.udp(payload: Build.usagePayload(9, padTo: 2500))
        let ipv6 = Build.ipv6Fragments(nextHeader: 60, fragmentable: fragmentable, size: 1232)
            .map { TestFrame(Build.linuxCooked(protocolType: Build.etherTypeIPv6, payload: $0), interface: 1) }
        let dns = TestFrame(
            Build.ethernet(
                etherType: Build.etherTypeIPv4,
                payload: Build.ipv4(payload: Build.udp(destinationPort: 53, payload: Build.dnsQuery("example.org")))))
        let tcp = TestFrame(
            Build.ethernet(
                etherType: Build.etherTypeIPv4,
                payload: Build.ipv4(protocolNumber: 6, payload: Build.tcp(payload: Build.usagePayload(3)))))
        let frames = [ipv4[2], dns, ipv6[1], ipv4[0], usageFrame(1), ipv6[2], tcp, ipv4[3], ipv6[0], ipv4[1]]
        let file = TestCapture.pcapng(frames, interfaces: [.init(linkType: 1), .init(linkType: 113)])
        let ours = try Self.ourPayloads(file)
        #expect(ours.count == 3)
        #expect(ours == (try Self.tsharkPayloads(file)))
    }
}

extension CommittedCaptures {
    /// The whole file at `path`; empty when it cannot be read (the test comparing it then fails).
    static func fileBytesAt(_ path: String) -> [UInt8] {
        guard let file = fopen(path, "rb") else { return [] }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        return bytes
    }
}
