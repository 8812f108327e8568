/// A JSON object: members in the order they were written, looked up by key.
///
/// Keys are unique (the parser rejects duplicates). Small objects, which is nearly every usage message, are
/// searched linearly, which beats hashing at that size; larger ones get a dictionary index on creation.
public struct JSONObject: Sendable {
    public private(set) var keys: [String]
    public private(set) var values: [JSONValue]
    private var index: [String: Int]?

    private static let indexThreshold = 12

    public init() {
        keys = []
        values = []
    }

    /// Builds an object from members in order. A repeated key keeps its first position and takes the last
    /// value, as a dictionary literal would; the parser never passes one.
    public init(_ members: some Sequence<(String, JSONValue)>) {
        self.init()
        for (key, value) in members { self[key] = value }
    }

    /// Builds an object from parallel arrays of unique keys and their values (the parser's fast path).
    init(uniqueKeys: [String], values: [JSONValue]) {
        self.keys = uniqueKeys
        self.values = values
        if uniqueKeys.count > Self.indexThreshold { rebuildIndex() }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public func position(of key: String) -> Int? {
        if let index { return index[key] }
        return keys.firstIndex(of: key)
    }

    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { values[$0] } }
        set {
            if let i = position(of: key) {
                if let newValue {
                    values[i] = newValue
                } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                    if index != nil { rebuildIndex() }
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
                if index != nil {
                    index![key] = keys.count - 1
                } else if keys.count > Self.indexThreshold {
                    rebuildIndex()
                }
            }
        }
    }

    private mutating func rebuildIndex() {
        var map = [String: Int](minimumCapacity: keys.count)
        for (i, key) in keys.enumerated() { map[key] = i }
        index = map
    }

    /// Members in written order.
    public var members: Zip2Sequence<[String], [JSONValue]> { zip(keys, values) }
}

extension JSONObject: Sequence {
    public func makeIterator() -> Zip2Sequence<[String], [JSONValue]>.Iterator { members.makeIterator() }
}
