import JSONCore

extension JSONObject {
    /// The position of the member named `key`, compared by code points (not by canonical equivalence).
    /// Usage messages have a handful of members, so a linear scan is the fast path.
    @inline(__always)
    func memberPosition(_ key: String) -> Int? {
        if count > 12, let position = position(of: key), sameCodePoints(keys[position], key) { return position }
        for (i, candidate) in keys.enumerated() where sameCodePoints(candidate, key) { return i }
        return nil
    }
}

/// A fixed set of property names, for `additionalProperties` to tell declared members from others.
struct PropertyNameSet: Sendable {
    private let names: [String]
    private let hashed: Set<String>?

    init(_ names: [String]) {
        self.names = names
        hashed = names.count > 8 ? Set(names) : nil
    }

    func contains(_ name: String) -> Bool {
        if let hashed {
            // `Set<String>` compares by canonical equivalence: confirm by code points.
            guard hashed.contains(name) else { return false }
        }
        return names.contains { sameCodePoints($0, name) }
    }
}
