import JSONCore
import JSONSchema

/// A user's schema compiled, and an instance validated against it in every mode. The input is the schema
/// document, a NUL byte, and the instance (without a NUL, the schema document is its own instance). The
/// modes must agree: the flag evaluation, the full one with output units, the annotation evaluation, and a
/// recorded trace replayed on the same instance. The schema document is also checked against the draft
/// 2020-12 meta-schema, as `schemas lint` does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSchema(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let separator = bytes.firstIndex(of: 0) ?? size
    let schemaBytes = Array(bytes[..<separator])
    let instanceBytes = separator < size ? Array(bytes[(separator + 1)...]) : schemaBytes
    guard let document = try? JSONValue.parse(schemaBytes) else { return 0 }
    _ = Schema.metaSchema.isValid(document)
    _ = Schema.metaSchema.validate(document).bestMatch
    guard let instance = try? JSONValue.parse(instanceBytes) else { return 0 }
    let options = CompileOptions(formatAssertion: size % 2 == 1)
    guard let schema = try? Schema(compiling: document, uri: "https://fuzz.example/schema", options: options) else {
        return 0
    }
    let valid = schema.isValid(instance)
    let full = schema.validate(instance)
    if full.isValid != valid { fatalError("isValid says \(valid), validate says \(full.isValid)") }
    _ = full.bestMatch
    let annotated = schema.annotations(of: ["title", "default", "format", "x-fuzz"], for: instance)
    if annotated.isValid != valid { fatalError("isValid says \(valid), annotations say \(annotated.isValid)") }
    let recorded = schema.recordValidation(of: instance)
    if recorded.isValid != valid { fatalError("isValid says \(valid), the recording says \(recorded.isValid)") }
    if let trace = recorded.trace, let replayed = schema.isValid(instance, replaying: trace), replayed != valid {
        fatalError("isValid says \(valid), the replayed trace says \(replayed)")
    }
    return 0
}
