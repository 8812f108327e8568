/// Where bytes are appended: an array of bytes, or a `ByteBuffer` (whose appends cost less). The encoders
/// that write to either (JSONCore's serializer, the spool's varints, decimal numbers in reports and results)
/// are written once, against this.
public protocol ByteSink: ~Copyable {
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: UnsafeRawBufferPointer)
}

extension ByteBuffer: ByteSink {}

extension Array: ByteSink where Element == UInt8 {}

extension ByteSink where Self: ~Copyable {
    /// A literal's bytes, read from the binary.
    @inlinable @inline(__always)
    public mutating func append(_ literal: StaticString) {
        append(contentsOf: UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// A string's UTF-8, from its own storage.
    @inlinable
    public mutating func append(utf8 text: String) {
        text.withUTF8InPlace { append(contentsOf: UnsafeRawBufferPointer($0)) }
    }

    /// `value` as an unsigned LEB128 varint: seven bits a byte, low bits first, the high bit set on all but
    /// the last. What a spool record's numbers and lengths, a JSON shape's key lengths and the HTML report's
    /// field signatures are written in.
    @inlinable
    public mutating func append(varint value: UInt64) {
        var value = value
        while value >= 0x80 {
            append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        append(UInt8(value))
    }

    /// `value` in decimal, its digits written straight in (no `String` is made): what a report or a result
    /// writes for every number.
    public mutating func append(decimal value: Int64) {
        // One digit, the usual count or flag of a report: one byte, no buffer.
        if (0...9).contains(value) { return append(UInt8(ascii: "0") + UInt8(value)) }
        if value < 0 { append(UInt8(ascii: "-")) }
        // The magnitude as unsigned, so that Int64.min has one too.
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for the 20 digits of 2^64
        withUnsafeMutableBytes(of: &digits) { buffer in
            var position = buffer.count
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[position...]))
        }
    }
}
