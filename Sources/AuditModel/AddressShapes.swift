/// The byte classes and the IPv4 shape that both ends of the audit use: the checker finds e-mail and IP
/// addresses inside message strings (`PersonalDataDetector`), and `--redact` masks a value by what it is
/// (`Redactor`). One definition, so that what one calls an address the other does too.
///
/// ASCII only, on UTF-8 bytes: addresses are written in ASCII, and a byte test cannot take a digit of another
/// script (a fullwidth `１`) for part of one. Inlinable: the detector runs these on every byte it scans.
public enum AddressShapes {
    @inlinable @inline(__always)
    public static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    @inlinable @inline(__always)
    public static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    @inlinable @inline(__always)
    public static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66)
    }

    /// A byte of a host name or e-mail domain: letters, digits, `-` and `.`.
    @inlinable @inline(__always)
    public static func isHostNameByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == 0x2D || byte == 0x2E
    }

    /// A byte of an e-mail address's local part as people write them: letters, digits and `. _ % + -`.
    @inlinable @inline(__always)
    public static func isEmailLocalPartByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == 0x2E || byte == 0x5F || byte == 0x25 || byte == 0x2B
            || byte == 0x2D
    }

    /// The dotted quad that starts at `start`: four decimal octets of one to three digits, each at most 255,
    /// joined by dots. Returns the address (first octet in the high byte) and the index just after it, or `nil`.
    /// What follows the quad is the caller's to judge (inside a longer string, `1.2.3.4.5` is no address).
    @inlinable
    public static func dottedQuad(in bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (address: UInt32, end: Int)? {
        var index = start
        var address: UInt32 = 0
        for octet in 0..<4 {
            if octet > 0 {
                guard index < bytes.count, bytes[index] == 0x2E else { return nil }
                index += 1
            }
            var value: UInt32 = 0
            var digits = 0
            while index < bytes.count, isDigit(bytes[index]), digits < 4 {
                value = value * 10 + UInt32(bytes[index] - 0x30)
                digits += 1
                index += 1
            }
            guard digits > 0, digits <= 3, value <= 255 else { return nil }
            address = address << 8 | value
        }
        return (address, index)
    }

    /// Whether the whole of `text` is a dotted quad.
    public static func isDottedQuad(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in dottedQuad(in: bytes, at: 0)?.end == bytes.count }
    }
}
