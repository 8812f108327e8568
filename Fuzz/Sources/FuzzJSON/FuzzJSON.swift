@testable import JSONCore

/// The fast JSON reader against jansson: whatever the fast reader accepts, jansson must accept with the
/// identical value (integers apart from reals, key order, every code point, doubles bit for bit); where the
/// fast reader gives up, `JSONValue.parse` hands the input to jansson, which must then decide without a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if let disagreement = FastReaderAgreement.disagreement(bytes) { fatalError(disagreement) }
    if let disagreement = FastReaderAgreement.tapeDisagreement(bytes) { fatalError(disagreement) }
    // The shape the fast reader writes as it reads must be the shape of the value it read.
    var fast = FastJSONReader(bytes, maxDepth: 512)
    if let value = try? fast.read() {
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

/// Reals that JSON text cannot carry exactly are not expected to survive a round trip.
func hasNaN(_ value: JSONValue) -> Bool {
    switch value {
    case .real(let x): return !x.isFinite
    case .array(let elements): return elements.contains(where: hasNaN)
    case .object(let object): return object.values.contains(where: hasNaN)
    default: return false
    }
}
