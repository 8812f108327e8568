import Testing

@testable import JSONCore

/// The scan for a string's end (a quote, a backslash or a control byte) that the readers and the report writers
/// share: SSE2 on x86-64, eight bytes at a time in Swift elsewhere. Both are held to a byte-at-a-time model.
@Suite("String byte scans")
struct StringBytesTests {
    /// The model: the first special byte at or after `start`, and whether a byte of 0x80 or more lies before it.
    static func model(_ bytes: [UInt8], from start: Int) -> (index: Int, highBefore: Bool, highAnywhere: Bool) {
        var index = start
        while index < bytes.count, !(bytes[index] == 0x22 || bytes[index] == 0x5C || bytes[index] < 0x20) {
            index += 1
        }
        return (index, bytes[start..<index].contains { $0 >= 0x80 }, bytes[start...].contains { $0 >= 0x80 })
    }

    enum Scan: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// What the readers and writers call: SSE2 on x86-64.
        case firstSpecial
        /// The Swift scan of other processors.
        case wordAtATime

        var testDescription: String { rawValue }

        func callAsFunction(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ saw: inout Bool) -> Int {
            switch self {
            case .firstSpecial: StringBytes.firstSpecial(in: bytes, from: start, sawNonASCII: &saw)
            case .wordAtATime: StringBytes.firstSpecialWordAtATime(in: bytes, from: start, sawNonASCII: &saw)
            }
        }
    }

    /// Index exact; the non-ASCII flag set whenever such a byte lies before the index (a caller then checks the
    /// string's UTF-8), and never when no byte from `start` on is one.
    static func check(_ bytes: [UInt8], from start: Int, _ scan: Scan) -> Bool {
        let expected = model(bytes, from: start)
        var saw = false
        let index = bytes.withUnsafeBufferPointer { scan($0, start, &saw) }
        let ok = index == expected.index && (!expected.highBefore || saw) && (expected.highAnywhere || !saw)
        if !ok {
            Issue.record("\(scan) of \(bytes) from \(start): \(index), \(saw); expected \(expected)")
        }
        return ok
    }

    @Test(arguments: Scan.allCases)
    func oneSpecialByteAnywhereInStringsUpToFortyBytes(_ scan: Scan) {
        for filler in [UInt8(ascii: "a"), 0x80, 0xC3, 0x7F, 0x5D] {
            for length in 0...40 {
                for start in [0, 1, 7, 15, 16, 17].filter({ $0 <= length }) {
                    for position in start..<max(start, length) {
                        for special in [UInt8(0x22), 0x5C, 0x00, 0x1F, 0x0A] {
                            var bytes = [UInt8](repeating: filler, count: length)
                            bytes[position] = special
                            guard Self.check(bytes, from: start, scan) else { return }
                        }
                    }
                    guard Self.check([UInt8](repeating: filler, count: length), from: start, scan) else { return }
                }
            }
        }
    }

    /// A scan from the end, or past it, reads nothing and finds nothing.
    @Test(arguments: Scan.allCases)
    func aStartAtOrPastTheEndReadsNothing(_ scan: Scan) {
        for length in [0, 5, 8, 16, 20] {
            let bytes = [UInt8](repeating: 0x22, count: length)
            for start in [length, length + 1, length + 9] {
                var saw = false
                #expect(bytes.withUnsafeBufferPointer { scan($0, start, &saw) } == start, "\(length), \(start)")
                #expect(!saw)
            }
        }
    }

    @Test(arguments: Scan.allCases)
    func randomStringsWithRandomStarts(_ scan: Scan) {
        var generator = SystemRandomNumberGenerator()
        // Mostly plain ASCII, sometimes a high byte, rarely a special one: runs long enough for every step.
        let alphabet: [UInt8] =
            Array(repeating: UInt8(ascii: "x"), count: 60) + [0x41, 0x7E, 0x80, 0xE2, 0xFF, 0x22, 0x5C, 0x09]
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...80, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            let start = Int.random(in: 0...length, using: &generator)
            guard Self.check(bytes, from: start, scan) else { return }
        }
    }
}
