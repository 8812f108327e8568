import Bytes

/// A value that can be read from a spool's record: every `Spoolable`, and partial views of one that read
/// only the front of its record and skip the rest (`SpoolDecoder.skipRest`).
public protocol SpoolDecodable: Sendable {
    init(from decoder: inout SpoolDecoder) throws(SpoolError)
}

/// A value that a spool can hold: written as compact binary, read back exactly.
public protocol Spoolable: SpoolDecodable {
    func encode(to encoder: inout SpoolEncoder)
}

/// A spool that could not be read back: its temporary file failed (an I/O error) or holds what no encoder
/// wrote. Either way the report cannot be completed from it.
public struct SpoolError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "cannot read back the spooled report: \(reason)" }
}

/// Appends values as bytes: unsigned LEB128 varints, zigzag for signed numbers, strings as length and UTF-8.
public struct SpoolEncoder: ~Copyable {
    public internal(set) var bytes = ByteBuffer()
    /// The string `writeName` named last, its number, and the table that numbered it.
    var lastName: (string: String, number: Int, table: ObjectIdentifier)?

    public init() {}

    /// An unsigned LEB128 varint (`ByteSink.append(varint:)`).
    public mutating func write(_ value: UInt64) { bytes.append(varint: value) }

    public mutating func write(_ value: Int) {
        let zigzag = (UInt64(bitPattern: Int64(value)) << 1) ^ UInt64(bitPattern: Int64(value) >> 63)
        write(zigzag)
    }

    public mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// One raw byte: a tag or a small enumeration.
    public mutating func writeByte(_ value: UInt8) { bytes.append(value) }

    /// A string: its UTF-8's length, then its UTF-8, read in place (a copy to call `withUTF8` on cost a retain
    /// and a release, for every string of every message and finding spooled). `String.withUTF8InPlace` does
    /// the same, but through it the closure here was not inlined: 65 instructions a message more.
    public mutating func write(_ value: String) {
        let written: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in
            write(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
        guard written == nil else { return }
        var value = value
        value.withUTF8 { utf8 in
            write(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Whether there is a string, then the string. Bound rather than compared with `nil`, which copies it.
    public mutating func write(_ value: String?) {
        if let value {
            write(true)
            write(value)
        } else {
            write(false)
        }
    }

    /// A list of strings: its count, then each string.
    public mutating func write(_ strings: [String]) {
        write(UInt64(strings.count))
        for string in strings { write(string) }
    }

    public mutating func write(_ value: Int?) {
        write(value != nil)
        if let value { write(value) }
    }

    public mutating func write(_ value: Double) { write(value.bitPattern) }

    /// A number in eight bytes, little-endian: a field that may be rewritten in place once stored
    /// (`SpoolStore.patch`), which a varint, whose length depends on the value, cannot be.
    public mutating func writeFixed(_ value: Int) {
        withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) }
    }
}

/// Reads what a `SpoolEncoder` wrote, checking every length against the bytes there are.
public struct SpoolDecoder {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Whether every byte of the record was read.
    var isAtEnd: Bool { position == bytes.count }

    /// The next byte, left unread.
    public func peekByte() throws(SpoolError) -> UInt8 {
        guard position < bytes.count else { throw SpoolError("a record ends early") }
        return bytes[position]
    }

    public mutating func readByte() throws(SpoolError) -> UInt8 {
        guard position < bytes.count else { throw SpoolError("a record ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    /// Inlined for the usual number, one byte (a count, a flag's tag, a short length: most of a record's
    /// numbers); longer ones go through `readLongUInt64`.
    @inlinable @inline(__always)
    public mutating func readUInt64() throws(SpoolError) -> UInt64 {
        if position < bytes.count {
            let first = bytes[position]
            if first < 0x80 {
                position &+= 1
                return UInt64(first)
            }
        }
        return try readLongUInt64()
    }

    @usableFromInline
    mutating func readLongUInt64() throws(SpoolError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64 else { throw SpoolError("a number is too long") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    @inlinable @inline(__always)
    public mutating func readInt() throws(SpoolError) -> Int {
        let zigzag = try readUInt64()
        return Int(Int64(bitPattern: (zigzag >> 1) ^ (0 &- (zigzag & 1))))
    }

    @inlinable @inline(__always)
    public mutating func readBool() throws(SpoolError) -> Bool {
        if position < bytes.count {
            let flag = bytes[position]
            if flag <= 1 {
                position &+= 1
                return flag == 1
            }
        }
        throw SpoolError(position < bytes.count ? "a flag is neither 0 nor 1" : "a record ends early")
    }

    /// A list of strings `write(_: [String])` wrote.
    public mutating func readStrings() throws(SpoolError) -> [String] {
        var strings: [String] = []
        for _ in 0..<(try readUInt64()) { strings.append(try readString()) }
        return strings
    }

    public mutating func readString() throws(SpoolError) -> String {
        let count = try readUInt64()
        guard count <= UInt64(bytes.count - position) else { throw SpoolError("a string runs past its record") }
        let start = position
        position += Int(count)
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    public mutating func readOptionalString() throws(SpoolError) -> String? {
        try readBool() ? try readString() : nil
    }

    /// A string's UTF-8 bytes as they lie in the record, without making a `String`: valid only while the
    /// record is being read (inside the reading closure).
    @inlinable @inline(__always)
    public mutating func readStringBytes() throws(SpoolError) -> UnsafeRawBufferPointer {
        let count = try readUInt64()
        guard count <= UInt64(bytes.count &- position) else { throw SpoolError("a string runs past its record") }
        let start = position
        position &+= Int(count)
        return UnsafeRawBufferPointer(start: bytes.baseAddress.map { $0 + start }, count: Int(count))
    }

    @inlinable @inline(__always)
    public mutating func readOptionalStringBytes() throws(SpoolError) -> UnsafeRawBufferPointer? {
        try readBool() ? try readStringBytes() : nil
    }

    @inlinable @inline(__always)
    public mutating func readOptionalInt() throws(SpoolError) -> Int? {
        try readBool() ? try readInt() : nil
    }

    public mutating func readDouble() throws(SpoolError) -> Double { Double(bitPattern: try readUInt64()) }

    /// What `SpoolEncoder.writeFixed` wrote.
    public mutating func readFixedInt() throws(SpoolError) -> Int {
        guard bytes.count - position >= 8 else { throw SpoolError("a record ends early") }
        defer { position += 8 }
        return Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: Int64.self)))
    }

    /// Leaves the rest of the record unread: a partial view has what it needs.
    public mutating func skipRest() { position = bytes.count }

    /// The bytes of the record not read yet, which are then read.
    mutating func readRest() -> UnsafeRawBufferPointer {
        defer { position = bytes.count }
        return UnsafeRawBufferPointer(rebasing: bytes[position...])
    }

    /// Hands `body` a decoder of `value`'s own record, as a spool would hand it back: for code that reads
    /// spooled records and values in memory through one reader of the record.
    public static func reading<Value: Spoolable, Result>(
        _ value: Value, _ body: (inout SpoolDecoder) throws(SpoolError) -> Result
    ) throws(SpoolError) -> Result {
        var encoder = SpoolEncoder()
        value.encode(to: &encoder)
        return try encoder.bytes.withUnsafeBytes { bytes throws(SpoolError) in try reading(bytes, body) }
    }

    /// Hands `body` a decoder of `record`, bytes a spool holds.
    static func reading<Result>(
        _ record: [UInt8], _ body: (inout SpoolDecoder) throws(SpoolError) -> Result
    ) throws(SpoolError) -> Result {
        let outcome: Swift.Result<Result, SpoolError> = record.withUnsafeBytes { raw in
            do throws(SpoolError) { return .success(try reading(raw, body)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }

    static func reading<Result>(
        _ record: UnsafeRawBufferPointer, _ body: (inout SpoolDecoder) throws(SpoolError) -> Result
    ) throws(SpoolError) -> Result {
        var decoder = SpoolDecoder(record)
        return try body(&decoder)
    }
}

/// A spooled record's bytes kept whole: for a writer that sorts spooled elements without decoding them,
/// reading each once where it is written (`decode`). Encoded as its bytes, with no length of its own: it
/// must be the last thing in the record that holds it (the element of an `ExternalSort`).
public struct SpooledRecord: Spoolable {
    public let bytes: [UInt8]

    /// The rest of the record `decoder` reads (the whole record, for a decoder that has read nothing),
    /// leaving `decoder` where it is.
    public init(copying decoder: SpoolDecoder) {
        var reader = decoder
        bytes = Array(reader.readRest())
    }

    public func encode(to encoder: inout SpoolEncoder) { encoder.bytes.append(contentsOf: bytes) }

    public init(from decoder: inout SpoolDecoder) throws(SpoolError) { bytes = Array(decoder.readRest()) }

    /// The record a spool would hold for `value`.
    public init(encoding value: some Spoolable) {
        var encoder = SpoolEncoder()
        value.encode(to: &encoder)
        bytes = encoder.bytes.array
    }

    /// The element the bytes are the record of.
    public func decode<Element: SpoolDecodable>(_ type: Element.Type) throws(SpoolError) -> Element {
        try read { decoder throws(SpoolError) in try Element(from: &decoder) }
    }

    /// Hands `body` a decoder of the record, for a writer that copies fields out of it without decoding
    /// the element.
    public func read<Result>(_ body: (inout SpoolDecoder) throws(SpoolError) -> Result) throws(SpoolError) -> Result {
        try SpoolDecoder.reading(bytes, body)
    }
}
