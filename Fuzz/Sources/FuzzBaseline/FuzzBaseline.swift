import JSONCore

@testable import ReportWriters

/// A `--baseline` file read as a stream (`BaselineReader`) against the parser reading it whole: the stream
/// accepts every report the parser accepts, with the same fingerprints, and refuses what the parser refuses
/// (but for nesting, which the stream bounds value by value rather than over the whole file). The bytes are
/// served in chunks of 1 to 64 bytes, chosen by the first byte, so a value ends at every chunk boundary.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBaseline(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var reader = BaselineReader(.memory(bytes), path: "fuzz", chunk: 1 + Int(bytes.first ?? 0) % 64)
    let streamed = Result { () throws(BaselineError) in try reader.read() }
    let whole = Result { () throws(JSONParseError) in
        try JSONValue.parse(bytes, options: JSONParseOptions(maxBytes: Baseline.maximumBytes))
    }
    switch (whole, streamed) {
    case (.success(let document), .success(let contents)):
        guard case .object(let report) = document else { fatalError("the stream read a report that is no object") }
        let findings = report["findings"]?.arrayValue
        if (findings != nil) != contents.hasFindings { fatalError("the stream disagrees on the findings list") }
        let fingerprints = Set((findings ?? []).compactMap { $0["fingerprint"]?.stringValue })
        if fingerprints != contents.fingerprints { fatalError("the stream read other fingerprints") }
        let missing = (findings ?? []).firstIndex { $0["fingerprint"]?.stringValue == nil }.map { $0 + 1 }
        if missing != contents.findingWithoutFingerprint { fatalError("the stream disagrees on a missing fingerprint") }
        if report["format_version"] != contents.formatVersion { fatalError("the stream read another format_version") }
    case (.success(let document), .failure(let error)):
        // A JSON document that is no object is no report; any object is read.
        if case .object = document { fatalError("the stream refused a JSON object: \(error)") }
        if !error.reason.hasPrefix("is not a usage-audit JSON report") { fatalError("misnamed: \(error)") }
    case (.failure(let error), .success):
        if error.code != .depthLimit { fatalError("the stream accepted what the parser refuses: \(error)") }
    case (.failure, .failure(let error)):
        if error.reason.isEmpty { fatalError("a refusal without a reason") }
    }
    return 0
}
