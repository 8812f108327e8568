import Bytes

/// A JSON document read into a flat table instead of a tree: one node per value, in depth-first order (a
/// container before its contents, members and elements in written order), each holding where its token is
/// in the document's bytes, its scalar (an integer, a real's bits) and, for a container, where its contents
/// end. No value is made while reading, nothing is counted by reference, and the table is the thread's own,
/// reused from one document to the next.
///
/// Why: an audit of a usage message of a known structure reads a handful of its values (those the schemas'
/// checks read, the correlator, the times), scans its strings for personal data and looks at nothing else.
/// Building the message's tree (an array for every object, a `String` for every string, a reference count
/// taken and dropped at every step of every walk) cost more than all of that together. A value is made only
/// when asked for (`value(at:)`), and from the same interned strings as the fast reader's.
///
/// What it accepts is a subset of what `JSONValue.parse` accepts, with the same values: strict JSON without a
/// single escape (a backslash anywhere makes it give up, and the caller parses the document the usual way),
/// strings of valid UTF-8 without control characters, integers exact in 64 bits, finite reals, nesting up to
/// the options' depth, nothing after the value. One difference is deliberate: it does not look for duplicate
/// keys. Its shape (`shape`) is byte for byte the one the fast reader writes, so a caller that uses a tape
/// only when its shape is one a parse has already accepted (a shape with a key twice in one object never
/// is) gets that check from the parse that accepted it.
///
/// A tape points into the bytes it was read from and into its thread's table: it is lent to a closure
/// (`read(_:options:shapeLimit:_:)`) and must not outlive it.
public struct JSONTape {
    /// A value's type as the tape keeps it.
    public enum Kind: UInt8, Sendable {
        case null, `false`, `true`, integer, real, string, array, object
    }

    /// One value. Offsets are into the document's bytes.
    struct Node {
        var kind: Kind
        /// The token's first byte (a string's opening quote, a container's bracket) and the offset past its
        /// last.
        var start: Int32
        var end: Int32
        /// The index of the node after this value's contents (the next sibling, or what follows the parent).
        var next: Int32
        /// A container's member or element count.
        var count: Int32
        /// For a member's value: its key's bytes (without quotes); otherwise empty.
        var keyStart: Int32
        var keyEnd: Int32
        /// An integer's value, or a real's bits.
        var bits: UInt64
    }

    // Plain pointers and numbers only: a tape is copied into every message's context and role values, and
    // a reference in it would be counted at every copy.
    let bytes: UnsafeBufferPointer<UInt8>
    let nodes: UnsafeBufferPointer<Node>
    /// The encoding of the document's shape, as the fast reader writes it (`JSONShape.bytes`).
    public let shapeBytes: UnsafeBufferPointer<UInt8>
    /// The deepest nesting of containers (a scalar document is 0, an object of scalars 1).
    public let depth: Int
    /// This thread's interned strings, which the strings made from the tape come from.
    unowned(unsafe) let strings: FastJSONReader.Scratch

    /// The document's shape (see `shapeBytes`).
    public var shape: JSONShape { JSONShape(encoded: Array(shapeBytes)) }

    /// The number of values in the document.
    public var count: Int { nodes.count }

    /// Reads `bytes` and lends the tape to `body`; `nil` (and `body` not called) when the document is not one
    /// a tape reads (see the type's comment), or when its shape is longer than `shapeLimit` bytes: then parse
    /// it. The limit bounds the node table too (every value writes at least a byte of shape): a tape is for
    /// documents whose shape a caller can look up, and a huge document costs no more than the limit.
    ///
    /// Inlinable, over the one reader that is not generic (`lend`): a generic function called from another
    /// module runs unspecialized, and this one looked up the runtime's metadata of `Result?` and of the
    /// `Swift.Result` inside `withUnsafeTemporaryAllocation` for every document, about 660 instructions a
    /// message of `check`.
    @inlinable
    public static func read<Result>(
        _ bytes: UnsafeRawBufferPointer, options: JSONParseOptions = .default, shapeLimit: Int,
        _ body: (JSONTape) -> Result
    ) -> Result? {
        var result: Result?
        lend(bytes, options: options, shapeLimit: shapeLimit) { result = body($0) }
        return result
    }

    /// What `read` does: reads `bytes` and lends the tape to `body`, or returns without calling it.
    @usableFromInline
    static func lend(
        _ bytes: UnsafeRawBufferPointer, options: JSONParseOptions, shapeLimit: Int, _ body: (JSONTape) -> Void
    ) {
        guard bytes.count <= options.maxBytes, bytes.count < Int(Int32.max), shapeLimit > 0, shapeLimit <= 1 << 16
        else { return }
        let scratch = TapeScratch.forThisThread()
        // A tape read while another of this thread's is lent (a caller's body reading a second document)
        // gets a table of its own.
        let table = scratch.inUse ? TapeScratch() : scratch
        table.inUse = true
        defer { table.inUse = false }
        var writer = TapeWriter(
            bytes.bindMemory(to: UInt8.self), maxDepth: min(options.maxDepth, 2048), table: table,
            shapeBuffer: table.shapeBuffer(holding: shapeLimit))
        guard writer.read() else { return }
        let tape = JSONTape(
            bytes: writer.bytes, nodes: UnsafeBufferPointer(start: table.nodes, count: writer.count),
            shapeBytes: writer.shapeBytes, depth: writer.deepest, strings: FastJSONReader.Scratch.forThisThread())
        body(tape)
    }

    // MARK: Reading nodes

    /// The root value's node.
    public static var root: Int { 0 }

    public func kind(at node: Int) -> Kind { nodes[node].kind }

    /// A container's member or element count (0 for a scalar).
    public func count(at node: Int) -> Int { Int(nodes[node].count) }

    /// The node after `node`'s contents.
    public func next(after node: Int) -> Int { Int(nodes[node].next) }

    /// The bytes of the value's token as written: a string with its quotes, a container with its brackets.
    public func tokenRange(at node: Int) -> Range<Int> { Int(nodes[node].start)..<Int(nodes[node].end) }

    /// The member at `position` of the object at `node`, or the element at `position` of the array there;
    /// `nil` when there is none (or `node` is a scalar).
    public func child(of node: Int, at position: Int) -> Int? {
        let parent = nodes[node]
        guard parent.kind == .array || parent.kind == .object, position >= 0, position < Int(parent.count) else {
            return nil
        }
        var child = node + 1
        for _ in 0..<position { child = Int(nodes[child].next) }
        return child
    }

    /// The node that a tape of a document of `value`'s structure has at `steps` (member positions and element
    /// indices from the root), or `nil` when there is none: node numbers depend on the structure alone, so a
    /// caller that knows a document's structure can work them out once, from any value of it, and read
    /// every later tape of that structure without walking it.
    public static func node(atSteps steps: some Sequence<Int>, in value: JSONValue) -> Int? {
        var node = root
        var current = value
        for step in steps {
            switch current {
            case .object(let object) where step >= 0 && step < object.count:
                node += 1 + object.values[..<step].reduce(0) { $0 + nodeCount(of: $1) }
                current = object.values[step]
            case .array(let elements) where step >= 0 && step < elements.count:
                node += 1 + elements[..<step].reduce(0) { $0 + nodeCount(of: $1) }
                current = elements[step]
            default:
                return nil
            }
        }
        return node
    }

    /// The number of nodes a tape of `value` has: one per value, containers and their contents.
    public static func nodeCount(of value: JSONValue) -> Int {
        switch value {
        case .object(let object): 1 + object.values.reduce(0) { $0 + nodeCount(of: $1) }
        case .array(let elements): 1 + elements.reduce(0) { $0 + nodeCount(of: $1) }
        default: 1
        }
    }

    /// The node of the root object's member `key` (compared by bytes: keys have no escapes here).
    public func member(_ key: StaticString) -> Int? {
        guard nodes[Self.root].kind == .object else { return nil }
        let wanted = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        var child = Self.root + 1
        for _ in 0..<Int(nodes[Self.root].count) {
            let key = keyBytes(of: child)
            if key.count == wanted.count,
                key.isEmpty || Bytewise.equal(key.baseAddress!, wanted.baseAddress!, count: key.count)
            {
                return child
            }
            child = Int(nodes[child].next)
        }
        return nil
    }

    /// A member's key bytes (empty for a node that is not a member's value).
    func keyBytes(of node: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[Int(nodes[node].keyStart)..<Int(nodes[node].keyEnd)])
    }

    /// A string's UTF-8 bytes (valid, without quotes: a tape's strings have no escapes); empty for any other
    /// value.
    public func stringBytes(at node: Int) -> UnsafeBufferPointer<UInt8> {
        let value = nodes[node]
        guard value.kind == .string else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(rebasing: bytes[Int(value.start + 1)..<Int(value.end - 1)])
    }

    /// The value at `node` as a number, as `JSONValue.doubleValue` gives it.
    public func doubleValue(at node: Int) -> Double? {
        switch nodes[node].kind {
        case .integer: Double(Int64(bitPattern: nodes[node].bits))
        case .real: Double(bitPattern: nodes[node].bits)
        default: nil
        }
    }

    /// The value at `node`, made as `JSONValue.parse` makes it (strings from the thread's interned ones). A
    /// tape whose object has a key twice (which no parse accepts) makes an object with the key twice: make
    /// values from tapes whose shape a parse has accepted.
    public func value(at node: Int) -> JSONValue {
        let value = nodes[node]
        switch value.kind {
        case .null: return .null
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .integer: return .integer(Int64(bitPattern: value.bits))
        case .real: return .real(Double(bitPattern: value.bits))
        case .string: return .string(string(stringBytes(at: node)))
        case .array:
            var elements: [JSONValue] = []
            elements.reserveCapacity(Int(value.count))
            var child = node + 1
            for _ in 0..<Int(value.count) {
                elements.append(self.value(at: child))
                child = Int(nodes[child].next)
            }
            return .array(elements)
        case .object:
            var members: [JSONObject.Member] = []
            members.reserveCapacity(Int(value.count))
            var child = node + 1
            for _ in 0..<Int(value.count) {
                members.append(JSONObject.Member(key: string(keyBytes(of: child)), value: self.value(at: child)))
                child = Int(nodes[child].next)
            }
            return .object(JSONObject(uniqueMembers: members))
        }
    }

    /// A string of valid UTF-8 bytes, from this thread's interned strings when it is one.
    func string(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        strings.string(raw, digest: FastJSONReader.Scratch.digest(raw))
    }
}

/// The node table a thread's tapes are written into, grown as documents need and kept (at most one node
/// per byte of the largest shape limit asked for).
final class TapeScratch {
    fileprivate(set) var nodes: UnsafeMutablePointer<JSONTape.Node>
    fileprivate(set) var capacity: Int
    var inUse = false
    /// The shape being written, kept from document to document: a shape limit of 2 KB is past what
    /// `withUnsafeTemporaryAllocation` keeps on the stack, so it allocated and freed it for every message.
    private var shape = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)

    init() {
        capacity = 128
        nodes = .allocate(capacity: capacity)
    }

    deinit {
        nodes.deallocate()
        shape.deallocate()
    }

    /// Room for a shape of `limit` bytes (its contents left as they are: the writer writes before it reads).
    func shapeBuffer(holding limit: Int) -> UnsafeMutableBufferPointer<UInt8> {
        if shape.count < limit {
            shape.deallocate()
            shape = .allocate(capacity: limit)
        }
        return UnsafeMutableBufferPointer(rebasing: shape[..<limit])
    }

    private static let perThread = PerThread { TapeScratch() }

    static func forThisThread() -> TapeScratch { perThread.object }

    /// Room for at least `count` nodes, the first `kept` of them kept.
    func grow(toHold count: Int, keeping kept: Int) {
        guard count > capacity else { return }
        let grown = max(count, capacity * 2)
        let moved = UnsafeMutablePointer<JSONTape.Node>.allocate(capacity: grown)
        moved.moveInitialize(from: nodes, count: kept)
        nodes.deallocate()
        nodes = moved
        capacity = grown
    }
}

/// The single pass that writes a tape: the fast reader's grammar and checks (see `FastJSONReader`), minus
/// escapes (it gives up) and the duplicate-key check (see `JSONTape`), writing nodes and the shape.
private struct TapeWriter {
    let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private let table: TapeScratch
    private var shapeWriter: JSONShape.BufferWriter
    private var i = 0
    private(set) var count = 0
    private(set) var deepest = 0

    init(
        _ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int, table: TapeScratch,
        shapeBuffer: UnsafeMutableBufferPointer<UInt8>
    ) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.table = table
        shapeWriter = JSONShape.BufferWriter(shapeBuffer)
    }

    /// The shape written (`read` gives up when it does not fit).
    var shapeBytes: UnsafeBufferPointer<UInt8> { shapeWriter.written }

    /// Whether the whole document was read.
    mutating func read() -> Bool {
        skipWhitespace()
        guard readValue(depth: 0, keyStart: 0, keyEnd: 0) else { return false }
        skipWhitespace()
        return i == bytes.count && shapeWriter.fits
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    /// Appends a node (its `next` and `count` filled in later for a container) and returns its index.
    @inline(__always)
    private mutating func append(_ kind: JSONTape.Kind, start: Int, keyStart: Int, keyEnd: Int) -> Int {
        if count == table.capacity { table.grow(toHold: count + 1, keeping: count) }
        (table.nodes + count).initialize(
            to: JSONTape.Node(
                kind: kind, start: Int32(truncatingIfNeeded: start), end: 0, next: 0, count: 0,
                keyStart: Int32(truncatingIfNeeded: keyStart), keyEnd: Int32(truncatingIfNeeded: keyEnd), bits: 0))
        count += 1
        return count - 1
    }

    /// Mutating, though it writes only the table: so that the compiler refuses `finish(append(...))`, whose
    /// `self` would be read before `append` counts the node.
    @inline(__always)
    private mutating func finish(_ node: Int, end: Int, bits: UInt64 = 0) {
        table.nodes[node].end = Int32(truncatingIfNeeded: end)
        table.nodes[node].next = Int32(truncatingIfNeeded: count)
        table.nodes[node].bits = bits
    }

    private mutating func readValue(depth: Int, keyStart: Int, keyEnd: Int) -> Bool {
        // Every value writes a byte of shape at least: past the buffer, the shape is too long to be looked up,
        // and the nodes are bounded by the limit.
        guard i < bytes.count, shapeWriter.length < shapeWriter.buffer.count else { return false }
        let start = i
        switch bytes[i] {
        case UInt8(ascii: "{"): return readObject(depth: depth, keyStart: keyStart, keyEnd: keyEnd)
        case UInt8(ascii: "["): return readArray(depth: depth, keyStart: keyStart, keyEnd: keyEnd)
        case UInt8(ascii: "\""):
            shapeWriter.tag(JSONShape.Tag.string)
            let node = append(.string, start: start, keyStart: keyStart, keyEnd: keyEnd)
            guard skipString() else { return false }
            finish(node, end: i)
            return true
        case UInt8(ascii: "t"):
            guard expectWord("true") else { return false }
            shapeWriter.tag(JSONShape.Tag.boolean)
            let node = append(.true, start: start, keyStart: keyStart, keyEnd: keyEnd)
            finish(node, end: i)
            return true
        case UInt8(ascii: "f"):
            guard expectWord("false") else { return false }
            shapeWriter.tag(JSONShape.Tag.boolean)
            let node = append(.false, start: start, keyStart: keyStart, keyEnd: keyEnd)
            finish(node, end: i)
            return true
        case UInt8(ascii: "n"):
            guard expectWord("null") else { return false }
            shapeWriter.tag(JSONShape.Tag.null)
            let node = append(.null, start: start, keyStart: keyStart, keyEnd: keyEnd)
            finish(node, end: i)
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return readNumber(keyStart: keyStart, keyEnd: keyEnd)
        default: return false
        }
    }

    private mutating func expectWord(_ word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard i + length <= bytes.count else { return false }
        let expected = word.utf8Start
        for k in 0..<length where bytes[i + k] != expected[k] { return false }
        i += length
        return true
    }

    private mutating func readObject(depth: Int, keyStart: Int, keyEnd: Int) -> Bool {
        guard depth < maxDepth else { return false }
        deepest = max(deepest, depth + 1)
        let node = append(.object, start: i, keyStart: keyStart, keyEnd: keyEnd)
        i += 1
        shapeWriter.tag(JSONShape.Tag.object)
        var members: Int32 = 0
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            shapeWriter.tag(JSONShape.Tag.end)
            finish(node, end: i)
            return true
        }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return false }
            let key = i + 1
            guard skipString() else { return false }
            let keyBytes = UnsafeBufferPointer(rebasing: bytes[key..<(i - 1)])
            shapeWriter.key(keyBytes)
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return false }
            i += 1
            skipWhitespace()
            guard readValue(depth: depth + 1, keyStart: key, keyEnd: key + keyBytes.count) else { return false }
            members += 1
            skipWhitespace()
            guard i < bytes.count else { return false }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "}") else { return false }
            i += 1
            shapeWriter.tag(JSONShape.Tag.end)
            finish(node, end: i)
            table.nodes[node].count = members
            return true
        }
    }

    private mutating func readArray(depth: Int, keyStart: Int, keyEnd: Int) -> Bool {
        guard depth < maxDepth else { return false }
        deepest = max(deepest, depth + 1)
        let node = append(.array, start: i, keyStart: keyStart, keyEnd: keyEnd)
        i += 1
        shapeWriter.tag(JSONShape.Tag.array)
        var elements: Int32 = 0
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            shapeWriter.tag(JSONShape.Tag.end)
            finish(node, end: i)
            return true
        }
        while true {
            skipWhitespace()
            guard readValue(depth: depth + 1, keyStart: 0, keyEnd: 0) else { return false }
            elements += 1
            skipWhitespace()
            guard i < bytes.count else { return false }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "]") else { return false }
            i += 1
            shapeWriter.tag(JSONShape.Tag.end)
            finish(node, end: i)
            table.nodes[node].count = elements
            return true
        }
    }

    /// Steps over a string token, `i` at its opening quote, to just past its closing quote. Gives up (false)
    /// at an escape, a control character, invalid UTF-8 or the end of the input.
    private mutating func skipString() -> Bool {
        i += 1
        let start = i
        var nonASCII = false
        i = StringBytes.firstSpecial(in: bytes, from: i, sawNonASCII: &nonASCII)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return false }
        if nonASCII, !FastJSONReader.isValidUTF8(UnsafeBufferPointer(rebasing: bytes[start..<i])) { return false }
        i += 1
        return true
    }

    /// A number token (`NumberToken`, the fast reader's own), its value in the node's bits.
    private mutating func readNumber(keyStart: Int, keyEnd: Int) -> Bool {
        let start = i
        guard let (value, end) = NumberToken.read(bytes, at: i) else { return false }
        i = end
        switch value {
        case .integer(let integer):
            shapeWriter.tag(JSONShape.Tag.integer)
            let node = append(.integer, start: start, keyStart: keyStart, keyEnd: keyEnd)
            finish(node, end: i, bits: UInt64(bitPattern: integer))
        case .real(let real):
            shapeWriter.tag(JSONShape.tag(ofNumber: .real(real)))
            let node = append(.real, start: start, keyStart: keyStart, keyEnd: keyEnd)
            finish(node, end: i, bits: real.bitPattern)
        }
        return true
    }
}
