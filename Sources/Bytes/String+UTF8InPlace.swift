extension String {
    /// `body` over the string's UTF-8 where it already lies: a native string's storage (every string made
    /// from UTF-8 bytes, as the JSON readers make them) or a small string's inline bytes.
    ///
    /// Why not `withUTF8`: it is `mutating` (it may move a bridged string's bytes into native storage), so a
    /// `let` must be copied into a `var` first, and that copy costs a retain and a release, for every string
    /// of every message a rule, a pattern or a report reads. Only a string without contiguous UTF-8 is copied.
    @inlinable
    public func withUTF8InPlace<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}
