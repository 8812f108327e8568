import AuditInputs

/// A `parsl.log` as `check` reads it: lines split (overlong ones cut), usage lines found, their Python
/// literals read. The input is a `ByteSource` over memory, which buffers, decompresses and splits exactly as
/// for a file. Every record is consumed; a crash, a hang or a leak is the finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLogLine(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = ByteSource(bytes: Array(UnsafeBufferPointer(start: data, count: size)), name: "fuzz")
    let reader = LineRecordReader.log(bytes)
    var records = 0
    while let record = reader.next() {
        records += 1
        _ = "\(record.locator)"
    }
    if records > size + 1 { fatalError("\(records) records from \(size) bytes") }
    return 0
}
