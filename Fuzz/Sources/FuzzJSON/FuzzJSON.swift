@testable import JSONCore

/// The fast JSON reader against jansson: whatever the fast reader accepts, jansson must accept with the
/// identical value (integers apart from reals, key order, every code point, doubles bit for bit); where the
/// fast reader gives up, `JSONValue.parse` hands the input to jansson, which must then decide without a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    var fast = FastJSONReader(bytes, maxDepth: 512)
    let fastValue = try? fast.read()
    let reference = Result { () throws(JSONParseError) in
        try JSONValue.parseWithJansson(bytes, options: JSONParseOptions(maxDepth: 512))
    }
    switch (fastValue, reference) {
    case (nil, _):
        break
    case (let value?, .success(let expected)):
        if !identical(value, expected) { fatalError("the readers disagree: fast \(value), jansson \(expected)") }
    case (_?, .failure(let error)):
        fatalError("the fast reader accepted what jansson rejects: \(error)")
    }
    // The shape the fast reader writes as it reads must be the shape of the value it read.
    if let value = fastValue {
        let limit = 256
        let written = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: limit) { buffer -> JSONShape? in
            var reader = FastJSONReader(bytes, maxDepth: 512, shapeBuffer: buffer)
            return (try? reader.read()) != nil ? reader.shape : nil
        }
        if written != JSONShape(of: value, limit: limit) { fatalError("the shape written differs from the value's") }
    }
    // The public entry point (fast reader, then jansson, with its error classification) and the serializer:
    // what is written reads back as an equal value.
    if let value = try? JSONValue.parse(bytes) {
        let text = value.serialized(.init(sortKeys: false))
        guard let again = try? JSONValue.parse(Array(text.utf8)), again == value || hasNaN(value) else {
            fatalError("serializing and reading back changes the value: \(text)")
        }
    }
    return 0
}

/// Identity, stricter than JSON equality: `1` is not `1.0`, key order counts, doubles compare bitwise.
func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
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

/// Reals that JSON text cannot carry exactly are not expected to survive a round trip.
func hasNaN(_ value: JSONValue) -> Bool {
    switch value {
    case .real(let x): return !x.isFinite
    case .array(let elements): return elements.contains(where: hasNaN)
    case .object(let object): return object.values.contains(where: hasNaN)
    default: return false
    }
}
