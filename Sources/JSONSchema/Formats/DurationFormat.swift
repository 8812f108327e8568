/// ISO 8601 durations as RFC 3339 appendix A writes them: `P` then date parts in the order Y, M, D, and/or
/// `T` then H, M, S; or weeks alone (`P4W`). Each part at least one digit; at least one part.
enum DurationFormat {
    static func isDuration(_ bytes: [UInt8]) -> Bool {
        guard bytes.first == UInt8(ascii: "P"), bytes.count > 1 else { return false }
        var i = 1
        /// Consecutive designators from `allowed`, in order and without gaps (`P1Y2D` lacks the months
        /// RFC 3339's grammar requires between years and days).
        func parts(_ allowed: [UInt8]) -> Int? {
            var order = 0
            var count = 0
            var previous: Int?
            while i < bytes.count, isDigit(bytes[i]) {
                let start = i
                while i < bytes.count, isDigit(bytes[i]) { i += 1 }
                guard i > start, i < bytes.count,
                    let position = allowed[order...].firstIndex(of: bytes[i])
                else { return nil }
                if let previous, position != previous + 1 { return nil }
                previous = position
                order = position + 1
                i += 1
                count += 1
            }
            return count
        }
        if bytes.last == UInt8(ascii: "W") {
            return bytes.count > 2 && bytes[1..<(bytes.count - 1)].allSatisfy(isDigit)
        }
        guard let dateParts = parts([UInt8(ascii: "Y"), UInt8(ascii: "M"), UInt8(ascii: "D")]) else { return false }
        if i == bytes.count { return dateParts > 0 }
        guard bytes[i] == UInt8(ascii: "T") else { return false }
        i += 1
        guard let timeParts = parts([UInt8(ascii: "H"), UInt8(ascii: "M"), UInt8(ascii: "S")]), timeParts > 0 else {
            return false
        }
        return i == bytes.count
    }
}
