/// RFC 6901 JSON Pointers, and the relative JSON Pointers of draft-bhutton-relative-json-pointer-00.
enum JSONPointerFormat {
    static func isJSONPointer(_ bytes: ArraySlice<UInt8>) -> Bool {
        if bytes.isEmpty { return true }
        guard bytes.first == UInt8(ascii: "/") else { return false }
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: "~") {
                guard i + 1 < bytes.endIndex, bytes[i + 1] == UInt8(ascii: "0") || bytes[i + 1] == UInt8(ascii: "1")
                else { return false }
                i += 2
            } else {
                i += 1
            }
        }
        return true
    }

    static func isRelativeJSONPointer(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        guard i > 0, i == 1 || bytes[0] != UInt8(ascii: "0") else { return false }
        // An optional index adjustment: "+N" or "-N".
        if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            let start = i + 1
            var j = start
            while j < bytes.count, isDigit(bytes[j]) { j += 1 }
            guard j > start, j == start + 1 || bytes[start] != UInt8(ascii: "0") else { return false }
            i = j
        }
        if i == bytes.count { return true }
        if bytes[i] == UInt8(ascii: "#") { return i + 1 == bytes.count }
        return isJSONPointer(bytes[i...])
    }
}
