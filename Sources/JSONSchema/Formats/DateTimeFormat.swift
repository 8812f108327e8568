/// RFC 3339 `date-time`, `full-date` and `full-time`, with real calendar days and leap seconds only at
/// 23:59:60 UTC.
enum DateTimeFormat {
    static func isDateTime(_ bytes: [UInt8]) -> Bool {
        guard let t = bytes.firstIndex(where: { $0 == UInt8(ascii: "T") || $0 == UInt8(ascii: "t") }) else {
            return false
        }
        return isDate(bytes[..<t]) && isTime(bytes[(t + 1)...])
    }

    static func isDate(_ bytes: ArraySlice<UInt8>) -> Bool {
        let s = bytes.startIndex
        guard bytes.count == 10, bytes[s + 4] == UInt8(ascii: "-"), bytes[s + 7] == UInt8(ascii: "-"),
            let year = digitsValue(bytes, s, 4), let month = digitsValue(bytes, s + 5, 2),
            let day = digitsValue(bytes, s + 8, 2), (1...12).contains(month)
        else { return false }
        return day >= 1 && day <= daysIn(month: month, year: year)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func isTime(_ bytes: ArraySlice<UInt8>) -> Bool {
        let s = bytes.startIndex
        guard bytes.count >= 9, bytes[s + 2] == UInt8(ascii: ":"), bytes[s + 5] == UInt8(ascii: ":"),
            let hour = digitsValue(bytes, s, 2), let minute = digitsValue(bytes, s + 3, 2),
            let second = digitsValue(bytes, s + 6, 2), hour <= 23, minute <= 59, second <= 60
        else { return false }
        var i = s + 8
        if bytes[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < bytes.endIndex, isDigit(bytes[i]) { i += 1 }
            guard i > fractionStart else { return false }
        }
        guard i < bytes.endIndex else { return false }
        var offsetMinutes = 0
        switch bytes[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard i + 1 == bytes.endIndex else { return false }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard bytes.endIndex - i == 6, bytes[i + 3] == UInt8(ascii: ":"),
                let offsetHour = digitsValue(bytes, i + 1, 2), let offsetMinute = digitsValue(bytes, i + 4, 2),
                offsetHour <= 23, offsetMinute <= 59
            else { return false }
            offsetMinutes = (offsetHour * 60 + offsetMinute) * (bytes[i] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return false
        }
        if second == 60 {
            let utc = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }
}
