import AuditInputs
import JSONCore

/// The Python-literal reader (`repr` of a dict, as `parsl.log` quotes a usage message): any text either
/// reads as a value or fails with an offset inside the text, and a value it reads is a JSON value that
/// serializes and reads back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPythonLiteral(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let value = try PythonLiteral.parse(text)
        let json = value.serialized(.init(sortKeys: false))
        guard (try? JSONValue.parse(Array(json.utf8))) != nil else {
            fatalError("a Python literal read as a value JSON cannot read back: \(json)")
        }
    } catch {
        // The offset counts UTF-8 bytes of the text (after invalid input is decoded with replacements).
        let length = text.utf8.count
        if error.offset < 0 || error.offset > length {
            fatalError("error offset \(error.offset) outside a text of \(length) bytes: \(error)")
        }
    }
    return 0
}
