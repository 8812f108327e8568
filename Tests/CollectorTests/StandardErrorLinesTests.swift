import Foundation
import Testing

@testable import Collector

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Live lines to an output that never takes them (a pipe nobody reads): writing never blocks, what does not fit
/// is dropped and counted, and a flush gives up instead of waiting for ever.
@Suite struct StandardErrorLinesTests {
    @Test func aPipeNobodyReadsNeverHoldsUpTheWriter() throws {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        let lines = StandardErrorLines(descriptor: ends[1])
        let line = String(repeating: "finding ", count: 25)
        let count = 10_000
        let started = Date()
        for _ in 0..<count { lines.write(line) }
        #expect(Date().timeIntervalSince(started) < 2, "writes only enqueue")
        // The queue holds 1024 lines, and the pipe 64 KiB (some 320 of these lines) if the writer thread ran
        // meanwhile: the rest is dropped.
        #expect(lines.dropped >= count - StandardErrorLines.capacity - 400)
        #expect(lines.dropped <= count - StandardErrorLines.capacity)
        let flushStarted = Date()
        #expect(!lines.flush(timeout: 5), "the output takes nothing")
        #expect(Date().timeIntervalSince(flushStarted) < 1, "a stalled output is given up on")

        // Read the pipe out, so the writer thread finishes before the pipe is closed under it.
        _ = fcntl(ends[0], F_SETFL, O_NONBLOCK)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        repeat {
            while read(ends[0], &buffer, buffer.count) > 0 {}
        } while !lines.flush(timeout: 0.05)
        close(ends[0])
        close(ends[1])
    }

    @Test func aReadOutputGetsEveryLineInOrder() throws {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        let lines = StandardErrorLines(descriptor: ends[1])
        for index in 0..<500 { lines.write("line \(index)") }
        let reader = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true)
        var received = Data()
        let expected = (0..<500).map { "line \($0)\n" }.joined()
        while received.count < expected.utf8.count { received.append(reader.availableData) }
        #expect(lines.flush(timeout: 5))
        #expect(String(decoding: received, as: UTF8.self) == expected)
        #expect(lines.dropped == 0)
        close(ends[1])
    }
}
