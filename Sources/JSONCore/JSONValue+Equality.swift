#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Equality as JSON Schema defines it (`const`, `enum`, `uniqueItems`): numbers by mathematical value
/// (`1 == 1.0`), strings by code points, arrays element-wise, objects by members regardless of order.
extension JSONValue: Equatable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)):
            return JSONValue.sameCodePoints(a, b)
        case (.integer, _), (.real, _):
            guard rhs.isNumber else { return false }
            return JSONNumber.compare(lhs, rhs) == 0
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let other = b[key], other == value else { return false }
            }
            return true
        default: return false
        }
    }
}

extension JSONValue {
    /// JSON string equality: the same code points. Swift's `String ==` uses canonical equivalence (`é` equals
    /// `e` + combining accent), which JSON does not, so the bytes are compared; native strings are contiguous
    /// UTF-8, compared with `memcmp`.
    @inline(__always)
    static func sameCodePoints(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        guard a.utf8.count == b.utf8.count else { return false }
        return a.withUTF8 { pa in b.withUTF8 { pb in pa.count == 0 || memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0 } }
    }
}

extension JSONObject: Equatable {
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        JSONValue.object(lhs) == JSONValue.object(rhs)
    }
}

extension JSONValue: Hashable {
    /// Consistent with `==`: an integral real hashes as the integer it equals, object members hash
    /// independently of their order, strings by their UTF-8 bytes.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0 as UInt8)
        case .bool(let b): hasher.combine(b)
        case .integer(let i): hasher.combine(i)
        case .real(let d):
            if let i = Int64(exactly: d) { hasher.combine(i) } else { hasher.combine(d) }
        case .string(let s):
            hasher.combine(s.utf8.count)
            for byte in s.utf8 { hasher.combine(byte) }
        case .array(let a):
            hasher.combine(a.count)
            for element in a { element.hash(into: &hasher) }
        case .object(let o):
            var combined = 0
            for (key, value) in o {
                var member = Hasher()
                JSONValue.string(key).hash(into: &member)
                value.hash(into: &member)
                combined ^= member.finalize()
            }
            hasher.combine(o.count)
            hasher.combine(combined)
        }
    }
}

/// Exact comparison of JSON numbers, mixing 64-bit integers and doubles without rounding either.
public enum JSONNumber {
    /// Compares two numeric values: negative, zero or positive. Non-numbers compare as equal (0).
    public static func compare(_ a: JSONValue, _ b: JSONValue) -> Int {
        switch (a, b) {
        case (.integer(let x), .integer(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.real(let x), .real(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.integer(let x), .real(let y)): return -compare(double: y, integer: x)
        case (.real(let x), .integer(let y)): return compare(double: x, integer: y)
        default: return 0
        }
    }

    /// Compares a double with an integer exactly. 2^63 is exactly representable as a double, so the
    /// range test is exact; inside the range the double's integral part converts without loss.
    public static func compare(double d: Double, integer i: Int64) -> Int {
        if d.isNaN { return 1 }
        if d >= 9_223_372_036_854_775_808.0 { return 1 }
        if d < -9_223_372_036_854_775_808.0 { return -1 }
        let whole = d.rounded(.down)
        let wholeInt = Int64(whole)
        if wholeInt != i { return wholeInt < i ? -1 : 1 }
        return d > whole ? 1 : 0
    }
}
