import Dispatch
import Testing

@testable import Storage

/// Strings records repeat are written once for the process and named by number; past the table's bounds
/// they are written into the record as before, and a record naming a number never given fails to read.
@Suite("names spooled by number")
struct SpoolNamesTests {
    /// Encodes `strings` as names in one record and reads them back.
    func roundTrip(_ strings: [String], in names: SpoolNames) throws -> (read: [String], bytes: Int) {
        var encoder = SpoolEncoder()
        for string in strings { encoder.writeName(string, in: names) }
        let record = encoder.bytes.array
        let read = try SpoolDecoder.reading(record) { decoder throws(SpoolError) in
            try strings.map { _ throws(SpoolError) in try decoder.readName(in: names) }
        }
        return (read, record.count)
    }

    @Test func aRepeatedStringTakesOneByteAfterItsFirstNaming() throws {
        let names = SpoolNames()
        let path = "/var/log/parsl/runinfo/000/parsl.log"
        let (read, bytes) = try roundTrip(Array(repeating: path, count: 1_000) + ["é", "", path], in: names)
        #expect(read == Array(repeating: path, count: 1_000) + ["é", "", path])
        #expect(bytes == 1_003)
        #expect(names.number(of: path) == 0 && names.number(of: "é") == 1 && names.number(of: "") == 2)
    }

    /// Past the table's count of names, or of bytes, strings go into the record, and still read back.
    @Test func pastItsBoundsAStringIsWrittenInTheRecord() throws {
        let byCount = SpoolNames(capacity: 2, byteLimit: 1 << 20)
        let strings = ["a.pcap", "b.pcap", "c.pcap", "a.pcap", "d.pcap", "b.pcap"]
        let (read, bytes) = try roundTrip(strings, in: byCount)
        #expect(read == strings)
        #expect(bytes == 1 + 1 + 8 + 1 + 8 + 1)
        let byBytes = SpoolNames(capacity: 100, byteLimit: 10)
        let long = String(repeating: "x", count: 11)
        #expect(try roundTrip(["short", long, long, "short"], in: byBytes).read == ["short", long, long, "short"])
        #expect(byBytes.number(of: long) == nil && byBytes.number(of: "short") == 0)
    }

    /// One encoder writing into two tables: the name it remembers from one is not the other's number.
    @Test func anEncoderRemembersANameOnlyForItsTable() throws {
        let first = SpoolNames(), second = SpoolNames()
        _ = second.number(of: "other.pcap")
        var encoder = SpoolEncoder()
        encoder.writeName("lo.pcap", in: first)
        encoder.writeName("lo.pcap", in: second)
        let read = try SpoolDecoder.reading(encoder.bytes.array) { decoder throws(SpoolError) in
            [try decoder.readName(in: first), try decoder.readName(in: second)]
        }
        #expect(read == ["lo.pcap", "lo.pcap"])
        #expect(encoder.bytes.array == [1, 2])
    }

    @Test func aNumberNeverGivenIsADamagedRecord() throws {
        let names = SpoolNames()
        _ = names.number(of: "only")
        for tag: UInt64 in [2, 1 << 20, UInt64.max] {
            var encoder = SpoolEncoder()
            encoder.write(tag)
            #expect(throws: SpoolError.self) {
                try SpoolDecoder.reading(encoder.bytes.array) { decoder throws(SpoolError) in
                    try decoder.readNameBytes(in: names)
                }
            }
        }
    }

    /// Names given on several threads at once are all readable, each under one number.
    @Test func namesGivenOnSeveralThreadsReadBack() {
        let names = SpoolNames()
        let numbers = UnsafeMutableBufferPointer<Int?>.allocate(capacity: 4_000)
        numbers.initialize(repeating: nil)
        defer { numbers.deallocate() }
        nonisolated(unsafe) let slots = numbers
        DispatchQueue.concurrentPerform(iterations: 4) { lane in
            for index in 0..<1_000 { slots[lane * 1_000 + index] = names.number(of: "input-\(index % 500)") }
        }
        for index in 0..<4_000 {
            let name = names.bytes(of: numbers[index]!).map { String(decoding: $0, as: UTF8.self) }
            #expect(name == "input-\(index % 1_000 % 500)")
        }
        #expect(Set(numbers.map { $0! }).count == 500)
    }
}
