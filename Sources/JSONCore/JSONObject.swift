/// A JSON object: members in the order they were written, looked up by key.
///
/// Keys are unique (the parser rejects duplicates). Small objects, which is nearly every usage message, are
/// searched linearly, which beats hashing at that size; larger ones get a dictionary index on creation.
///
/// The members are one array of key and value pairs, not an array of keys beside an array of values: one
/// allocation per object when a message is read and one release when it is dropped, and one reference to
/// count whenever an object is copied out of a `JSONValue` (every walk over a message does that at each
/// object it passes). `keys` and `values` are views of it.
public struct JSONObject: Sendable {
    /// A key and its value. A struct rather than a tuple: dropping a message releases every object's members,
    /// and the runtime destroys an array of tuples through its generic, per-field tuple witness, an array of
    /// structs through the struct's own compiled one.
    public struct Member: Sendable {
        public var key: String
        public var value: JSONValue
        @inlinable public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members in written order.
    public private(set) var members: [Member]
    private var index: [String: Int]?

    private static let indexThreshold = 12

    public init() {
        members = []
    }

    /// Builds an object from members in order. A repeated key keeps its first position and takes the last
    /// value, as a dictionary literal would; the parser never passes one.
    public init(_ members: some Sequence<(String, JSONValue)>) {
        self.init()
        for (key, value) in members { self[key] = value }
    }

    /// Builds an object from members with unique keys, in order (the parser's fast path).
    init(uniqueMembers members: [Member]) {
        self.members = members
        if members.count > Self.indexThreshold { rebuildIndex() }
    }

    // Inlinable, like the views below: every walk over a message reads them at each object it passes, and
    // a call across modules for each (with its retain and release of the members) cost more than the read.
    @inlinable public var count: Int { members.count }
    @inlinable public var isEmpty: Bool { members.isEmpty }

    /// The keys in written order.
    @inlinable public var keys: Keys { Keys(members: members) }
    /// The values in written order.
    @inlinable public var values: Values { Values(members: members) }

    public func position(of key: String) -> Int? {
        if let index { return index[key] }
        return members.firstIndex { $0.key == key }
    }

    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { members[$0].value } }
        set {
            if let i = position(of: key) {
                if let newValue {
                    members[i].value = newValue
                } else {
                    members.remove(at: i)
                    if index != nil { rebuildIndex() }
                }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
                if index != nil {
                    index![key] = members.count - 1
                } else if members.count > Self.indexThreshold {
                    rebuildIndex()
                }
            }
        }
    }

    private mutating func rebuildIndex() {
        var map = [String: Int](minimumCapacity: members.count)
        for (i, member) in members.enumerated() { map[member.key] = i }
        index = map
    }

    /// The keys of an object, in written order: a view of its members.
    public struct Keys: RandomAccessCollection, Sendable {
        @usableFromInline let members: [Member]
        @inlinable init(members: [Member]) { self.members = members }
        @inlinable public var startIndex: Int { 0 }
        @inlinable public var endIndex: Int { members.count }
        @inlinable public subscript(position: Int) -> String { members[position].key }
    }

    /// The values of an object, in written order: a view of its members.
    public struct Values: RandomAccessCollection, Sendable {
        @usableFromInline let members: [Member]
        @inlinable init(members: [Member]) { self.members = members }
        @inlinable public var startIndex: Int { 0 }
        @inlinable public var endIndex: Int { members.count }
        @inlinable public subscript(position: Int) -> JSONValue { members[position].value }
    }
}

extension JSONObject: Sequence {
    /// Members as `(key, value)` pairs, so that `for (key, value) in object` reads as it says.
    public struct Iterator: IteratorProtocol {
        @usableFromInline var members: IndexingIterator<[Member]>
        @inlinable init(members: [Member]) { self.members = members.makeIterator() }
        @inlinable public mutating func next() -> (key: String, value: JSONValue)? {
            members.next().map { ($0.key, $0.value) }
        }
    }

    @inlinable public func makeIterator() -> Iterator { Iterator(members: members) }
    @inlinable public var underestimatedCount: Int { members.count }
}
