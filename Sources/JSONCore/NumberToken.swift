/// A number token as the fast readers take it (`FastJSONReader`, `JSONTape`): JSON's grammar, integers exact
/// in 64 bits, anything with a fraction or exponent a finite double. One definition, so that what a tape
/// holds is what the fast reader reads (`FastReaderAgreement`).
enum NumberToken {
    enum Value {
        case integer(Int64)
        case real(Double)
    }

    /// The token starting at `start` (a `-` or a digit): its value and the offset just past it; `nil` where
    /// the readers give up and jansson decides (bad grammar, an integer beyond 64 bits, a real that
    /// overflows, a token that runs on into other bytes: jansson reads `12abc` as one bad token).
    @inline(__always)
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (value: Value, end: Int)? {
        var i = start
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            guard bytes[i] >= UInt8(ascii: "1"), bytes[i] <= UInt8(ascii: "9") else { return nil }
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
        }
        var isReal = false
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            isReal = true
            i += 1
            let digits = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
            guard i > digits else { return nil }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            isReal = true
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            let digits = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
            guard i > digits else { return nil }
        }
        if i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"): break
            default: return nil
            }
        }
        let token = UnsafeBufferPointer(rebasing: bytes[start..<i])
        if !isReal {
            var value: Int64 = 0
            let negative = token[0] == UInt8(ascii: "-")
            for byte in token.dropFirst(negative ? 1 : 0) {
                let digit = Int64(byte - 48)
                let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (next, overflow2) =
                    negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
                guard !overflow1, !overflow2 else { return nil }
                value = next
            }
            return (.integer(value), i)
        }
        guard let double = Double(String(decoding: token, as: UTF8.self)), double.isFinite else { return nil }
        return (.real(double), i)
    }
}
