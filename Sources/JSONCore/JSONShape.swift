import Bytes

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A JSON value's shape: everything but its values. The type at every place (a real with no fractional
/// part apart from other reals, as JSON Schema's `integer` tells them apart), the member names of every
/// object in order, and the length of every array.
///
/// Two values of one shape are alike to whatever looks only at keys, positions and types (which schema
/// shape a message has, where its annotations fall, which keywords a validation passes through), so such
/// work can be done once per shape. The encoding is prefix-free, so equal shapes have equal bytes and
/// different shapes different bytes; the fast reader writes it while it parses (`JSONValue.parse(_:options:
/// shapeLimit:)`), which costs a fraction of a walk over the value afterwards.
public struct JSONShape: Hashable, Sendable {
    /// The encoding: one tag per value; an object's members each as a member tag, the key's length
    /// (LEB128) and bytes, then the member's value; containers closed by an end tag.
    public let bytes: [UInt8]
    /// A digest of `bytes`, computed once: hashing and comparing start with it.
    private let digest: UInt64

    enum Tag {
        static let null: UInt8 = 0
        static let boolean: UInt8 = 1
        static let integer: UInt8 = 2
        static let integralReal: UInt8 = 3
        static let real: UInt8 = 4
        static let string: UInt8 = 5
        static let array: UInt8 = 6
        static let object: UInt8 = 7
        static let end: UInt8 = 8
        static let member: UInt8 = 9
    }

    /// The tag of a number: integers, whole reals and other reals apart.
    @inline(__always)
    static func tag(ofNumber value: JSONValue) -> UInt8 {
        if case .integer = value { return Tag.integer }
        return value.isIntegral ? Tag.integralReal : Tag.real
    }

    init(encoded bytes: [UInt8]) {
        self.bytes = bytes
        digest = bytes.withUnsafeBytes { Self.digest(of: $0) }
    }

    /// The digest of a shape's encoding, as a `JSONShape` of those bytes hashes it: for looking a shape up by
    /// bytes that are not (yet) a `JSONShape` (a tape's, `JSONTape.shapeBytes`).
    public static func digest(of encoding: UnsafeRawBufferPointer) -> UInt64 {
        ByteDigest.of(encoding, seed: 0x9E37_79B9_7F4A_7C15)
    }

    /// The digest this shape hashes by (`digest(of:)` of `bytes`).
    public var encodingDigest: UInt64 { digest }

    /// The shape of `value`, or `nil` when its encoding would be longer than `limit` bytes.
    public init?(of value: JSONValue, limit: Int) {
        var writer = Writer(limit: limit)
        writer.write(value)
        guard !writer.overflowed else { return nil }
        self.init(encoded: writer.bytes)
    }

    /// A shape written into memory the caller provides, as a reader reads the document (the fast reader's,
    /// a tape's; `Writer` below makes one from a value). `length` counts every byte, written or not: past the
    /// buffer's end the shape is too long to keep, and only counted. An empty buffer asks for no shape:
    /// nothing is written or counted.
    struct BufferWriter {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        private(set) var length = 0

        init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

        /// Whether a shape was asked for and all of it fit.
        var fits: Bool { buffer.count > 0 && length <= buffer.count }

        /// The bytes written: the whole shape when it fits.
        var written: UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: buffer[..<min(length, buffer.count)])
        }

        @inline(__always)
        mutating func tag(_ tag: UInt8) {
            guard buffer.count > 0 else { return }
            if length < buffer.count { buffer[length] = tag }
            length += 1
        }

        /// A member's key: its tag, its length (LEB128), its UTF-8 bytes.
        mutating func key(_ key: UnsafeBufferPointer<UInt8>) {
            guard buffer.count > 0 else { return }
            tag(Tag.member)
            var rest = UInt(key.count)
            while rest >= 0x80 {
                tag(UInt8(rest & 0x7F) | 0x80)
                rest >>= 7
            }
            tag(UInt8(rest))
            if length + key.count <= buffer.count, let base = key.baseAddress {
                (buffer.baseAddress! + length).update(from: base, count: key.count)
            }
            length += key.count
        }
    }

    /// Appends the encoding piece by piece; stops keeping it once it passes `limit` bytes.
    struct Writer {
        private(set) var bytes: [UInt8] = []
        let limit: Int
        private(set) var overflowed = false

        init(limit: Int) {
            self.limit = limit
            bytes.reserveCapacity(min(limit, 512))
        }

        @inline(__always)
        mutating func put(_ tag: UInt8) {
            guard !overflowed else { return }
            bytes.append(tag)
            if bytes.count > limit { overflow() }
        }

        mutating func putKey(_ key: UnsafeBufferPointer<UInt8>) {
            guard !overflowed else { return }
            bytes.append(Tag.member)
            bytes.append(varint: UInt64(key.count))
            bytes.append(contentsOf: key)
            if bytes.count > limit { overflow() }
        }

        private mutating func overflow() {
            overflowed = true
            bytes = []
        }

        mutating func write(_ value: JSONValue) {
            guard !overflowed else { return }
            switch value {
            case .null: put(Tag.null)
            case .bool: put(Tag.boolean)
            case .integer, .real: put(JSONShape.tag(ofNumber: value))
            case .string: put(Tag.string)
            case .array(let elements):
                put(Tag.array)
                for element in elements { write(element) }
                put(Tag.end)
            case .object(let object):
                put(Tag.object)
                for (key, member) in object {
                    var key = key
                    key.withUTF8 { putKey($0) }
                    write(member)
                }
                put(Tag.end)
            }
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        guard lhs.digest == rhs.digest, lhs.bytes.count == rhs.bytes.count else { return false }
        return lhs.bytes.withUnsafeBytes { l in
            rhs.bytes.withUnsafeBytes { r in l.isEmpty || memcmp(l.baseAddress!, r.baseAddress!, l.count) == 0 }
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(digest)
    }
}
