import Bytes

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension JSONTape {
    /// Writes the value at `node` as `value(at: node).write(to:_:)` writes it with sorted keys (compact, members
    /// in code point order of their keys, non-ASCII as UTF-8), byte for byte, without making the value: what a
    /// message's identity hashes (`ContentIdentity`), which in a run over several inputs every message needs.
    /// Made into a tree first, each message cost a `String` and an array for every value, and a reference
    /// counted at every step of the writer's walk (together about a quarter of such a run).
    ///
    /// Equal by construction: a tape's strings and keys hold no escape and no character the writer escapes
    /// (a quote, a backslash, a control character), so the writer copies them as they are; its integers and
    /// reals are the values a parse makes, written by the same code. Keys are ordered by their bytes, which for
    /// UTF-8 is code point order. A key twice in one object (which a tape does not look for, see the type's
    /// comment) is ordered by position here and arbitrarily by the tree's sort: use tapes whose shape a parse
    /// accepted, as for `value(at:)`.
    public func writeCanonical(at node: Int, to out: inout [UInt8]) { writeCanonical(at: node, into: &out) }

    /// The same into a `ByteBuffer`, whose appends cost a fraction of an array's.
    public func writeCanonical(at node: Int, to out: inout ByteBuffer) { writeCanonical(at: node, into: &out) }

    /// One writer for both outputs, specialized for each.
    func writeCanonical<Sink: ByteSink & ~Copyable>(at node: Int, into out: inout Sink) {
        let value = nodes[node]
        switch value.kind {
        case .null: out.append("null")
        case .false: out.append("false")
        case .true: out.append("true")
        case .integer: out.append(decimal: Int64(bitPattern: value.bits))
        case .real: out.append(utf8: JSONValue.format(Double(bitPattern: value.bits)))
        case .string: Self.writeQuoted(stringBytes(at: node), to: &out)
        case .array:
            out.append(UInt8(ascii: "["))
            var child = node + 1
            for position in 0..<Int(value.count) {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                writeCanonical(at: child, into: &out)
                child = Int(nodes[child].next)
            }
            out.append(UInt8(ascii: "]"))
        case .object:
            out.append(UInt8(ascii: "{"))
            let count = Int(value.count)
            withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { members in
                var child = node + 1
                var ordered = true
                for position in 0..<count {
                    members[position] = child
                    if position > 0 && !Self.precedes(keyBytes(of: members[position - 1]), keyBytes(of: child)) {
                        ordered = false
                    }
                    child = Int(nodes[child].next)
                }
                if !ordered {
                    // Insertion sort, stable: an object has a handful of members.
                    for position in 1..<count {
                        let member = members[position]
                        var slot = position
                        while slot > 0 && Self.precedes(keyBytes(of: member), keyBytes(of: members[slot - 1])) {
                            members[slot] = members[slot - 1]
                            slot -= 1
                        }
                        members[slot] = member
                    }
                }
                for position in 0..<count {
                    if position > 0 { out.append(UInt8(ascii: ",")) }
                    Self.writeQuoted(keyBytes(of: members[position]), to: &out)
                    out.append(UInt8(ascii: ":"))
                    writeCanonical(at: members[position], into: &out)
                }
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeQuoted<Sink: ByteSink & ~Copyable>(
        _ bytes: UnsafeBufferPointer<UInt8>, to out: inout Sink
    ) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeRawBufferPointer(bytes))
        out.append(UInt8(ascii: "\""))
    }

    /// Byte order (a prefix first): code point order for UTF-8, as `JSONValue.precedes` orders keys.
    private static func precedes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(a.count, b.count)
        if common > 0, let left = a.baseAddress, let right = b.baseAddress {
            let order = memcmp(left, right, common)
            if order != 0 { return order < 0 }
        }
        return a.count < b.count
    }
}
