/// The agreement the fast reader owes jansson, checked by the differential tests and the JSON fuzz target
/// (one definition, so that both hold the reader to the same rule): whatever the fast reader accepts, jansson
/// accepts with the identical value; where the fast reader gives up, `JSONValue.parse` hands the input to
/// jansson, so giving up is always allowed.
package enum FastReaderAgreement {
    /// What is wrong when the two readers read `bytes` differently, or `nil` when they agree.
    package static func disagreement(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 512) -> String? {
        var fast = FastJSONReader(bytes, maxDepth: maxDepth)
        let fastValue = try? fast.read()
        let reference = Result { () throws(JSONParseError) in
            try JSONValue.parseWithJansson(bytes, options: JSONParseOptions(maxDepth: maxDepth))
        }
        switch (fastValue, reference) {
        case (nil, _):
            return nil
        case (let value?, .success(let expected)):
            return identical(value, expected) ? nil : "the fast reader read \(value), jansson \(expected)"
        case (_?, .failure(let error)):
            return "the fast reader accepted what jansson rejects (\(error))"
        }
    }

    /// What is wrong when a tape (`JSONTape`) reads `bytes` otherwise than the fast reader, or `nil` when they
    /// agree. A tape may give up on anything; what it reads, the fast reader must read with the identical
    /// value, the same shape, the same element bounds and the same canonical text (`JSONTape.writeCanonical`
    /// against the value's, keys sorted: what a message's identity hashes), unless an object of it has a key
    /// twice (which a tape does not look for: its users take the check from a parse of the same shape).
    package static func tapeDisagreement(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 512) -> String? {
        let limit = 2048
        let read = JSONTape.read(bytes, options: JSONParseOptions(maxDepth: maxDepth), shapeLimit: limit) { tape in
            (value: tape.value(at: JSONTape.root), shape: tape.shape, bounds: elementBounds(of: tape),
             duplicateKey: hasDuplicateKey(tape), canonical: canonicalText(of: tape))
        }
        guard let read else { return nil }
        let fast = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: limit) {
            buffer -> (value: JSONValue, shape: JSONShape?, bounds: [Int])? in
            var reader = FastJSONReader(bytes, maxDepth: maxDepth, shapeBuffer: buffer, notesElementBounds: true)
            guard let value = try? reader.read() else { return nil }
            return (value, reader.shape, reader.elementBounds)
        }
        guard let fast else {
            return read.duplicateKey ? nil : "a tape read what the fast reader gives up on"
        }
        guard identical(read.value, fast.value) else { return "a tape read \(read.value), the fast reader \(fast.value)" }
        guard read.shape == fast.shape else { return "a tape wrote another shape than the fast reader" }
        guard read.bounds == fast.bounds else { return "a tape placed elements at \(read.bounds), the fast reader at \(fast.bounds)" }
        var treeText: [UInt8] = []
        fast.value.write(to: &treeText, .init(sortKeys: true))
        guard read.canonical == treeText else {
            return "a tape's canonical text \(String(decoding: read.canonical, as: UTF8.self)), the value's "
                + String(decoding: treeText, as: UTF8.self)
        }
        return nil
    }

    /// The tape's canonical text (`JSONTape.writeCanonical`), which must be the value's.
    private static func canonicalText(of tape: JSONTape) -> [UInt8] {
        var text: [UInt8] = []
        tape.writeCanonical(at: JSONTape.root, to: &text)
        return text
    }

    /// The fast reader's element bounds (`JSONValue.parseNotingElements`) as a tape's nodes give them: the
    /// token of every element of the arrays one level down, array after array.
    private static func elementBounds(of tape: JSONTape) -> [Int] {
        var bounds: [Int] = []
        let root = JSONTape.root
        guard tape.kind(at: root) == .array || tape.kind(at: root) == .object else { return [] }
        var child = root + 1
        for _ in 0..<tape.count(at: root) {
            if tape.kind(at: child) == .array {
                var element = child + 1
                for _ in 0..<tape.count(at: child) {
                    bounds += [tape.tokenRange(at: element).lowerBound, tape.tokenRange(at: element).upperBound]
                    element = tape.next(after: element)
                }
            }
            child = tape.next(after: child)
        }
        return bounds
    }

    private static func hasDuplicateKey(_ tape: JSONTape) -> Bool {
        for node in 0..<tape.count where tape.kind(at: node) == .object {
            var keys = Set<[UInt8]>()
            var child = node + 1
            for _ in 0..<tape.count(at: node) {
                if !keys.insert(Array(tape.keyBytes(of: child))).inserted { return true }
                child = tape.next(after: child)
            }
        }
        return false
    }

    /// Identity, stricter than JSON equality: `1` is not `1.0`, key order counts, doubles compare bitwise,
    /// strings compare by their bytes.
    package static func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.real(let x), .real(let y)): return x.bitPattern == y.bitPattern
        case (.string(let x), .string(let y)): return Array(x.utf8) == Array(y.utf8)
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case (.object(let x), .object(let y)):
            return x.keys.map { Array($0.utf8) } == y.keys.map { Array($0.utf8) }
                && zip(x.values, y.values).allSatisfy { identical($0, $1) }
        default: return false
        }
    }
}
