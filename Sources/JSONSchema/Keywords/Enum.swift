import Bytes
import JSONCore

/// `enum`: the instance equals one of the values (JSON Schema equality).
struct EnumKeyword {
    let values: FrozenArray<JSONValue>
    unowned(unsafe) let location: KeywordLocation

    static func compile(_ site: SchemaObjectSite) throws(SchemaError) -> KeywordCompilation {
        guard case .array(let values) = site.value else { throw site.invalid("must be an array") }
        return .validator(.enum(EnumKeyword(values: site.freeze(values), location: site.location())))
    }

    /// Whether a string whose UTF-8 is `bytes` is one of the values: what `evaluate` decides for it made (JSON
    /// string equality is code point equality: the bytes compared), for a replay on a tape's bytes.
    func holds(stringBytes bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in values.indices {
            guard case .string(var string) = values[index], string.utf8.count == bytes.count else { continue }
            if bytes.isEmpty { return true }
            if string.withUTF8({ Bytewise.equal($0.baseAddress!, bytes.baseAddress!, count: bytes.count) }) {
                return true
            }
        }
        return false
    }

    @inline(never)
    func evaluate(_ instance: JSONValue, _ e: inout Evaluation) -> Bool {
        if values.contains(instance) { return true }
        e.fail(location, "\(describe(instance)) is not one of \(describe(.array(Array(values))))")
        return false
    }
}
