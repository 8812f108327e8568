import CaptureReaders
import TestSupport
import Testing

/// Every captured datagram's endpoints become text (its network evidence's `from` and `to`): a dotted quad
/// and a port written byte by byte, RFC 5952 for IPv6.
@Suite("addresses and endpoints as text")
struct AddressTextTests {
    static func v4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) -> IPAddress {
        .v4(a << 24 | b << 16 | c << 8 | d)
    }

    @Test func dottedQuadsAndPorts() {
        #expect(CaptureEndpoint(address: Self.v4(0, 0, 0, 0), port: 0).description == "0.0.0.0:0")
        let widest = CaptureEndpoint(address: Self.v4(255, 255, 255, 255), port: 65535)
        #expect(widest.description == "255.255.255.255:65535")
        #expect(CaptureEndpoint(address: Self.v4(10, 0, 0, 7), port: 41003).description == "10.0.0.7:41003")
        #expect(Self.v4(127, 0, 0, 1).description == "127.0.0.1")
        #expect(Self.v4(192, 0, 2, 100).description == "192.0.2.100")
    }

    @Test func anyAddressAndPortReadAsTheirNumbers() {
        var generator = SplitMix64(seed: 20261206)
        for _ in 0..<20_000 {
            let value = UInt32(truncatingIfNeeded: generator.next())
            let port = UInt16(truncatingIfNeeded: generator.next())
            let octets = [value >> 24, (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF].map { String($0) }
            let quad = octets.joined(separator: ".")
            #expect(IPAddress.v4(value).description == quad)
            #expect(CaptureEndpoint(address: .v4(value), port: port).description == quad + ":" + String(port))
        }
    }

    @Test func ipv6InItsShortestForm() {
        #expect(IPAddress.v6(high: 0, low: 1).description == "::1")
        #expect(IPAddress.v6(high: 0, low: 0).description == "::")
        #expect(IPAddress.v6(high: 0xFE80_0000_0000_0000, low: 1).description == "fe80::1")
        #expect(IPAddress.v6(high: 0x2001_0DB8_0000_0000, low: 0x0000_0000_0000_0001).description == "2001:db8::1")
        // The longest run of zero groups is shortened, the first of two as long.
        #expect(IPAddress.v6(high: 0x0001_0000_0000_0002, low: 0x0000_0000_0000_0003).description == "1:0:0:2::3")
        #expect(IPAddress.v6(high: 0x0001_0000_0000_0002, low: 0x0000_0000_0003_0004).description == "1::2:0:0:3:4")
        #expect(CaptureEndpoint(address: .v6(high: 0, low: 1), port: 50077).description == "[::1]:50077")
    }
}
