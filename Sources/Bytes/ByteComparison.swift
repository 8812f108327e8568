#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Array where Element == UInt8 {
    /// Whether these are the bytes of `other`: the counts, then one `memcmp`. (`elementsEqual` walks the
    /// two collections a byte at a time through their generic iterators, a dozen instructions a byte.)
    @inlinable
    public func hasSameBytes(as other: UnsafeRawBufferPointer) -> Bool {
        guard count == other.count else { return false }
        guard count > 0 else { return true }
        return withUnsafeBytes { memcmp($0.baseAddress!, other.baseAddress!, count) == 0 }
    }
}
