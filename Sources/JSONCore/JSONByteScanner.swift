import Bytes
import CJansson

/// Byte-level scans of raw JSON text, used only off the fast path: to place an error exactly, to find how
/// deep an input nests, and to carry `\u0000` in object keys through jansson. Every scan is linear and
/// iterative (no recursion), so hostile input cannot exhaust the stack.
enum JSONByteScanner {
    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    /// 1-based line and column (in Unicode scalars) of a byte offset.
    static func lineAndColumn(of offset: Int, in bytes: UnsafeRawBufferPointer) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for i in 0..<min(offset, bytes.count) {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {  // count scalar starts, not continuation bytes
                column += 1
            }
        }
        return (line, column)
    }

    /// Index just past the string whose opening quote is at `start`, or `bytes.count` if it never closes.
    /// `onNulEscape` sees the offset of every `\u0000` escape inside it.
    static func endOfString(
        startingAt start: Int, in bytes: UnsafeRawBufferPointer, onNulEscape: (Int) -> Void = { _ in }
    ) -> Int {
        var i = start + 1
        while i < bytes.count {
            switch bytes[i] {
            case quote: return i + 1
            case backslash:
                if i + 5 < bytes.count, bytes[i + 1] == UInt8(ascii: "u"),
                    bytes[i + 2] == 0x30, bytes[i + 3] == 0x30, bytes[i + 4] == 0x30, bytes[i + 5] == 0x30
                {
                    onNulEscape(i)
                }
                i += 2
            default: i += 1
            }
        }
        return bytes.count
    }

    /// The offset of the bracket that opens nesting level `limit + 1`, if the input nests that deep.
    static func offsetExceedingDepth(_ limit: Int, in bytes: UnsafeRawBufferPointer) -> Int? {
        var depth = 0
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case quote:
                i = endOfString(startingAt: i, in: bytes)
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return i }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default: break
            }
            i += 1
        }
        return nil
    }

    /// Offset of the first byte that does not begin or continue a well-formed UTF-8 sequence.
    static func firstInvalidUTF8(in bytes: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        while i < bytes.count {
            let lead = bytes[i]
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch lead {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return i
            }
            for k in 1..<length {
                guard i + k < bytes.count else { return i }
                let byte = bytes[i + k]
                let (lo, hi) = k == 1 ? (lower, upper) : (UInt8(0x80), UInt8(0xBF))
                guard byte >= lo && byte <= hi else { return i }
            }
            i += length
        }
        return nil
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func isScalarByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    /// The offset of the first non-whitespace byte after the top-level value: where trailing bytes begin.
    static func trailingBytesOffset(in bytes: UnsafeRawBufferPointer) -> Int {
        var i = 0
        while i < bytes.count, isWhitespace(bytes[i]) { i += 1 }
        guard i < bytes.count else { return i }
        if bytes[i] == quote {
            i = endOfString(startingAt: i, in: bytes)
        } else if bytes[i] == UInt8(ascii: "[") || bytes[i] == UInt8(ascii: "{") {
            var depth = 0
            while i < bytes.count {
                let byte = bytes[i]
                if byte == quote {
                    i = endOfString(startingAt: i, in: bytes)
                    continue
                }
                i += 1
                if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") { depth += 1 }
                if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                    depth -= 1
                    if depth == 0 { break }
                }
            }
        } else {
            while i < bytes.count, isScalarByte(bytes[i]) { i += 1 }
        }
        while i < bytes.count, isWhitespace(bytes[i]) { i += 1 }
        return i
    }

    /// The opening quote of the string token whose closing quote is just before `position`.
    static func stringStart(endingBefore position: Int, in bytes: UnsafeRawBufferPointer) -> Int {
        var close = min(position, bytes.count) - 1
        while close > 0, bytes[close] != quote { close -= 1 }
        var i = close - 1
        while i >= 0 {
            if bytes[i] == quote {
                var backslashes = 0
                var k = i - 1
                while k >= 0, bytes[k] == backslash {
                    backslashes += 1
                    k -= 1
                }
                if backslashes % 2 == 0 { return i }
            }
            i -= 1
        }
        return 0
    }

    /// Decodes the JSON string token in `start..<end` (quotes included) with jansson itself.
    static func decodeStringToken(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> String? {
        guard start < end, end <= bytes.count else { return nil }
        let token = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        guard case .success(let document) = JanssonDocument.load(token),
            let text = json_string_value(document.root)
        else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: text, count: json_string_length(document.root)), as: UTF8.self)
    }

    /// The first byte of the number token that ends just before `position`.
    static func numberStart(endingBefore position: Int, in bytes: UnsafeRawBufferPointer) -> Int {
        var i = min(position, bytes.count)
        while i > 0, isScalarByte(bytes[i - 1]) { i -= 1 }
        return i
    }

    /// The first `NaN`, `Infinity` or `-Infinity` token outside strings that starts at or before
    /// `position`, if any.
    static func firstNonFiniteToken(in bytes: UnsafeRawBufferPointer, notAfter position: Int)
        -> (name: String, offset: Int)?
    {
        var i = 0
        while i < bytes.count, i <= position {
            let byte = bytes[i]
            if byte == quote {
                i = endOfString(startingAt: i, in: bytes)
                continue
            }
            for name in ["NaN", "Infinity", "-Infinity"] where matches(name, at: i, in: bytes) {
                return (name, i)
            }
            i += 1
        }
        return nil
    }

    private static func matches(_ word: String, at offset: Int, in bytes: UnsafeRawBufferPointer) -> Bool {
        let utf8 = word.utf8
        guard offset + utf8.count <= bytes.count else { return false }
        for (k, byte) in utf8.enumerated() where bytes[offset + k] != byte { return false }
        if offset > 0, isScalarByte(bytes[offset - 1]) { return false }
        let after = offset + utf8.count
        return after == bytes.count || !isScalarByte(bytes[after])
    }

    // MARK: `\u0000` in keys

    /// A noncharacter in U+FDD0...U+FDEF that appears nowhere in the input, raw or escaped.
    static func unusedNoncharacter(in bytes: UnsafeRawBufferPointer) -> UInt16? {
        var used = Set<UInt16>()
        var i = 0
        while i < bytes.count {
            // Raw UTF-8 of U+FDD0...U+FDEF is EF B7 90...AF.
            if bytes[i] == 0xEF, i + 2 < bytes.count, bytes[i + 1] == 0xB7, (0x90...0xAF).contains(bytes[i + 2]) {
                used.insert(0xFDD0 + UInt16(bytes[i + 2] - 0x90))
            }
            if bytes[i] == backslash, i + 5 < bytes.count, bytes[i + 1] == UInt8(ascii: "u"),
                let value = HexDigits.value(of: bytes[(i + 2)..<(i + 6)]).map({ UInt16($0) })
            {
                used.insert(value)
            }
            i += 1
        }
        return (UInt16(0xFDD0)...UInt16(0xFDEF)).first { !used.contains($0) }
    }

    /// A copy of the input where every `\u0000` escape inside an object key reads `\uXXXX` for `sentinel`.
    static func replacingNulEscapesInKeys(_ bytes: UnsafeRawBufferPointer, with sentinel: UInt16) -> [UInt8] {
        var copy = Array(bytes)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == quote else {
                i += 1
                continue
            }
            var escapes: [Int] = []
            let end = endOfString(startingAt: i, in: bytes) { escapes.append($0) }
            var next = end
            while next < bytes.count, isWhitespace(bytes[next]) { next += 1 }
            if next < bytes.count, bytes[next] == UInt8(ascii: ":") {
                for escape in escapes {
                    copy.withUnsafeMutableBytes { LowerHex.write(UInt64(sentinel), digits: 4, into: $0, at: escape + 2) }
                }
            }
            i = end
        }
        return copy
    }
}
