import Foundation
@testable import JSONCore
import Testing
import TestSupport

/// The fast reader must accept exactly what jansson accepts, with identical values (integers apart from
/// reals, key order, every code point), and hand everything else to jansson; and a tape (`JSONTape`) must
/// read nothing the fast reader does not, with the same values, shape and element bounds.
@Suite("Fast reader against jansson")
struct FastReaderDifferentialTests {
    /// The readers on one input: the same value, or the fast reader gives up (and jansson decides); the same
    /// of the tape against the fast reader.
    static func agree(_ bytes: [UInt8], maxDepth: Int = 512) -> String? {
        bytes.withUnsafeBytes {
            FastReaderAgreement.disagreement($0, maxDepth: maxDepth)
                ?? FastReaderAgreement.tapeDisagreement($0, maxDepth: maxDepth)
        }
    }

    static let samples: [String] = [
        #"{"correlator": "4eae03f1-f34e-40de-8bbe-38017acbc1f4", "tracking_level": 3, "components": [{"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": false}, "parsl.executors.threads.ThreadPoolExecutor"], "start": 1795555185}"#,
        "0", "-0", "1.0", "-1.5e-3", "1E2", "1e-400", "1e400", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "-9223372036854775809", "01", "1.", ".5", "-", "1e", "12abc", "[1,]", "{,}",
        #"{"a":1,"a":2}"#, #"{"a\u0000b": [true, false, null]}"#, #""\ud83d\ude00 \u00e9 \/ \b\f\n\r\t""#,
        #""\ud83d""#, #""\ude00""#, #""\u12""#, #""\x""#, "\"tab\there\"", "\"é\"", "[[[[]]]]", "{} x", " [ ] ",
        "tru", "nul", "true false", "\u{feff}{}", "{\"k\":\"v\"", "[1 2]", "{\"a\" 1}", "{\"a\":}", "\"\\u0000\"",
        String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ]

    @Test func agreeOnHandPickedEdgeCases() {
        for sample in Self.samples {
            #expect(Self.agree(Array(sample.utf8)) == nil, "\(sample.prefix(60))")
        }
        #expect(Self.agree([0x22, 0xC3, 0x28, 0x22]) == nil)  // invalid UTF-8 in a string
        #expect(Self.agree([0x22, 0xED, 0xA0, 0x80, 0x22]) == nil)  // an encoded surrogate
        #expect(Self.agree([0x22, 0xC0, 0xAF, 0x22]) == nil)  // an overlong form
        #expect(Self.agree(Array("[[[[1]]]]".utf8), maxDepth: 3) == nil)
    }

    @Test func theFastReaderReallyReadsTheUsualMessage() {
        let message = Array(Self.samples[0].utf8)
        let value = message.withUnsafeBytes { raw -> JSONValue? in
            var fast = FastJSONReader(raw, maxDepth: 512)
            return try? fast.read()
        }
        #expect(value?["tracking_level"] == .integer(3))
    }

    /// Mutated messages: bytes flipped, inserted, deleted, spliced; tens of thousands of cases per run.
    @Test func agreeOnEverySpecialByteAtEveryPositionOfABlock() {
        // Strings are scanned sixteen bytes at a time (eight where SSE2 is not there): a quote, backslash,
        // control byte or non-ASCII byte must be seen wherever it falls in a block, and in the bytes after the
        // last whole block.
        let specials: [[UInt8]] = [[0x22], [0x5C, 0x6E], [0x5C, 0x75, 0x30, 0x30, 0x65, 0x39], [0x00], [0x1F], [0x7F],
            [0xC3, 0xA9], [0xE9], [0xFF], [0x20]]
        for length in 0..<40 {
            for position in 0...length {
                for special in specials {
                    var body = Array(repeating: UInt8(ascii: "a"), count: length)
                    body.insert(contentsOf: special, at: position)
                    let document = Array(#"{"k": ""#.utf8) + body + Array(#"", "t": 1}"#.utf8)
                    #expect(Self.agree(document) == nil, "length \(length), position \(position), \(special)")
                    // What jansson reads, the fast reader reads too: it must not give up on plain strings.
                    document.withUnsafeBytes { raw in
                        var fast = FastJSONReader(raw, maxDepth: 512)
                        let janssonReads = (try? JSONValue.parseWithJansson(raw)) != nil
                        #expect((try? fast.read()) != nil || !janssonReads, "length \(length), \(special)")
                    }
                }
            }
        }
    }

    @Test func agreeOnMutatedMessages() {
        var generator = SplitMix64(seed: 20261126)
        let seeds = Self.samples.map { Array($0.utf8) }
        let alphabet = Array(#"{}[]":,\0123456789eE.-+ntfu\ "#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xE9, 0xFF]
        var disagreements: [String] = []
        for _ in 0..<30_000 {
            var bytes = seeds[Int(generator.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                let position = bytes.isEmpty ? 0 : Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 4 {
                case 0 where !bytes.isEmpty: bytes[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: bytes.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: position)
                case 2 where !bytes.isEmpty: bytes.remove(at: position)
                default: bytes.insert(contentsOf: bytes.prefix(Int(generator.next() % 8)), at: position)
                }
            }
            if let problem = Self.agree(bytes) {
                disagreements.append("\(String(decoding: bytes.prefix(80), as: UTF8.self)): \(problem)")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }
}
