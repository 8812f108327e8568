/// Hexadecimal digits in escapes (`\uXXXX` in JSON, `\xXX`, `\uXXXX`, `\UXXXXXXXX` in Python literals): one
/// reader for every parser of the package.
public enum HexDigits {
    /// The value of one ASCII hexadecimal digit, either case.
    @inline(__always)
    public static func value(of byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - 48)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - 87)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - 55)
        default: nil
        }
    }

    /// The value of the digits in `bytes` (at most 8 of them), or `nil` if one is not a hexadecimal digit.
    public static func value(of bytes: some Collection<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        for byte in bytes {
            guard let digit = Self.value(of: byte) else { return nil }
            value = value << 4 | digit
        }
        return value
    }
}
