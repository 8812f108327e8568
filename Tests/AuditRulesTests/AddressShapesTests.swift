import AuditModel
import Testing

@testable import AuditRules

/// `AddressShapes`: the byte classes and the dotted quad that the detector finds addresses by and `--redact`
/// masks them by.
@Suite("address shapes")
struct AddressShapesTests {
    @Test("each byte class holds exactly the ASCII bytes it names")
    func byteClasses() {
        let letters = Set(Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8))
        let digits = Set(Array("0123456789".utf8))
        let hex = digits.union("abcdefABCDEF".utf8)
        let host = letters.union(digits).union("-.".utf8)
        let localPart = letters.union(digits).union("._%+-".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(AddressShapes.isLetter(byte) == letters.contains(byte), "byte \(byte)")
            #expect(AddressShapes.isDigit(byte) == digits.contains(byte), "byte \(byte)")
            #expect(AddressShapes.isHexDigit(byte) == hex.contains(byte), "byte \(byte)")
            #expect(AddressShapes.isHostNameByte(byte) == host.contains(byte), "byte \(byte)")
            #expect(AddressShapes.isEmailLocalPartByte(byte) == localPart.contains(byte), "byte \(byte)")
        }
    }

    @Test(
        "a whole dotted quad is four octets of one to three digits, each at most 255",
        arguments: [
            ("192.168.4.7", true), ("0.0.0.0", true), ("255.255.255.255", true), ("010.001.000.009", true),
            ("256.1.1.1", false), ("1.2.3", false), ("1.2.3.4.5", false), ("1.2.3.4 ", false), ("1..2.3", false),
            ("1.2.3.0004", false), ("", false), ("a.b.c.d", false), ("１.２.３.４", false), ("1.2.3.-4", false),
        ])
    func wholeDottedQuad(text: String, isQuad: Bool) {
        #expect(AddressShapes.isDottedQuad(text) == isQuad)
    }

    @Test("a dotted quad inside a longer text: its address and where it ends")
    func dottedQuadInText() {
        var text = "from 10.20.0.13:41003"
        text.withUTF8 { bytes in
            let found = AddressShapes.dottedQuad(in: bytes, at: 5)
            #expect(found?.address == 0x0A14_000D)
            #expect(found?.end == 15)
            #expect(AddressShapes.dottedQuad(in: bytes, at: 0) == nil)
            #expect(AddressShapes.dottedQuad(in: bytes, at: 6)?.address == 0x0014_000D)
        }
    }

    @Test("the detector reports a dotted quad on its own, but not loopback, unspecified or inside a longer run")
    func detectorUsesTheQuad() {
        let found = PersonalDataDetector.matches(in: "peer 192.168.4.7, self 127.0.0.1, any 0.0.0.0, v 1.2.3.4.5")
        #expect(found.map(\.text) == ["192.168.4.7"])
        #expect(found.map(\.kind) == [.ipv4])
    }
}
