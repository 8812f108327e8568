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
