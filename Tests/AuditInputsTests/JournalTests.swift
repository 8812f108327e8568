import AuditModel
import Testing
import TestSupport

@testable import AuditInputs

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The journal `listen` writes: round trip, kind detection, and every way a crash or damage can leave it.
@Suite struct JournalTests {
    /// A start message as Parsl 2026.10.26 sends it at level 2.
    static let startMessage = Array(
        #"1{"correlator": "c3bf30a7-ed8b-4470-ad92-5fe988b5d5cf", "parsl_v": "2026.10.26", "python_v": "3.11.7", "platform.system": "Linux", "tracking_level": 2, "components": [{"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": false}, "parsl.executors.threads.ThreadPoolExecutor"]}"#
            .utf8)
    static let loopback = JournalSender(family: .ipv4, address: [127, 0, 0, 1], port: 40_001)
    static let loopback6 = JournalSender(family: .ipv6, address: Array(repeating: 0, count: 15) + [1], port: 40_002)

    /// Payloads of every awkward size: empty, one byte, a real message, the largest datagram.
    static let payloads: [[UInt8]] = [
        startMessage, [], [0x31], Array(repeating: 0x55, count: 300),
        (0..<JournalFormat.maxPayloadBytes).map { UInt8(truncatingIfNeeded: $0 &* 31) },
    ]

    /// Writes `payloads` to a new journal and returns its path and the byte offset where each record starts.
    fileprivate func writeJournal(_ payloads: [[UInt8]], in directory: ScratchFolder) throws -> (
        path: String, offsets: [Int]
    ) {
        let path = directory.path("j.journal")
        let writer = try JournalWriter(path: path, createdAt: 1_795_555_185_000_000_000)
        var offsets: [Int] = []
        for (index, payload) in payloads.enumerated() {
            offsets.append(writer.committedBytes)
            let sender = [Self.loopback, Self.loopback6, nil][index % 3]
            let sequence = try writer.append(
                payload, receivedAt: 1_795_555_185_000_000_000 + Int64(index), sender: sender)
            #expect(sequence == index + 1)
        }
        offsets.append(writer.committedBytes)
        writer.close()
        return (path, offsets)
    }

    /// Every item a reader yields from a whole journal held in memory (the file reader is exercised by the
    /// round trip; this keeps the exhaustive loops fast).
    fileprivate func readAll(_ bytes: [UInt8], in directory: ScratchFolder) throws -> (
        items: [JournalReader.Item], readError: String?
    ) {
        let input = GrowingBytes(bytes)
        input.visible = bytes.count
        input.complete = true
        let reader = JournalReader(input, source: "memory")
        var items: [JournalReader.Item] = []
        while let item = reader.nextItem() {
            items.append(item)
            try #require(items.count <= 100, "the reader does not stop")
        }
        return (items, reader.readError)
    }

    @Test func roundTripKeepsEveryByteTimeAndSender() throws {
        let directory = try ScratchFolder("usage-audit-journal")
        let (path, offsets) = try writeJournal(Self.payloads, in: directory)
        #expect(offsets.first == JournalFormat.headerBytes)
        let bytes = try readFile(path)
        #expect(bytes.count == offsets.last)
        #expect(InputOpener.detect(bytes[...]) == .kind(.journal))

        let reader = try InputOpener.open(path: path)
        #expect(reader.kind == .journal)
        var records: [InputRecord] = []
        while let record = reader.next() { records.append(record) }
        #expect(reader.readError == nil)
        #expect(records.map(\.locator) == (1...Self.payloads.count).map { Locator.record($0) })
        for (record, payload) in zip(records, Self.payloads) {
            guard case .datagram(let bytes) = record.payload else {
                Issue.record("record \(record.locator) is not a datagram: \(record.payload)")
                continue
            }
            #expect(bytes == payload)
        }

        let (items, readError) = try readAll(bytes, in: directory)
        #expect(readError == nil)
        let entries = items.compactMap { item -> JournalEntry? in
            if case .entry(let entry) = item { return entry }
            return nil
        }
        #expect(entries.count == Self.payloads.count)
        #expect(entries.map(\.receivedAt) == (0..<Int64(Self.payloads.count)).map { 1_795_555_185_000_000_000 + $0 })
        #expect(
            entries.map(\.sender) == (0..<Self.payloads.count).map { [Self.loopback, Self.loopback6, nil][$0 % 3] })
        #expect(entries.first?.sender?.description == "127.0.0.1:40001")
        #expect(entries.dropFirst().first?.sender?.description == "[::1]:40002")
    }

    /// A crash can stop the collector at any byte of the record it is writing: the records before it are kept
    /// whole, and exactly one torn record is reported in its place.
    @Test func tornLastRecordAtEveryByteOffsetIsReportedAndTheRestKept() throws {
        let directory = try ScratchFolder("usage-audit-journal")
        let payloads = [Self.startMessage, Array("1{}".utf8), Self.startMessage]
        let (path, offsets) = try writeJournal(payloads, in: directory)
        let whole = try readFile(path)
        let lastStart = offsets[2]
        for cut in lastStart..<whole.count {
            let (items, readError) = try readAll(Array(whole[..<cut]), in: directory)
            #expect(readError == nil)
            let entries = items.compactMap { item -> Int? in
                if case .entry(let entry) = item { return entry.sequence }
                return nil
            }
            #expect(entries == [1, 2], "cut at \(cut)")
            if cut == lastStart {
                #expect(items.count == 2, "a cut between records leaves no torn record")
                continue
            }
            #expect(items.count == 3, "cut at \(cut)")
            guard case .problem(let locator, let message)? = items.last else {
                Issue.record("cut at \(cut): no torn record reported")
                continue
            }
            #expect(locator == .record(3))
            #expect(message.contains("torn record"), "\(message)")
            #expect(message.contains("\(cut - lastStart) bytes"), "\(message)")
        }
    }

    @Test func tornRecordBecomesAWarningProblemThatCountsAsAMessage() throws {
        let directory = try ScratchFolder("usage-audit-journal")
        let (path, offsets) = try writeJournal([Self.startMessage, Self.startMessage], in: directory)
        let whole = try readFile(path)
        let cutPath = directory.path("cut.journal")
        try writeFile(cutPath, Array(whole[..<(offsets[1] + 10)]))
        let reader = try InputOpener.open(path: cutPath)
        var records: [InputRecord] = []
        while let record = reader.next() { records.append(record) }
        #expect(records.count == 2)
        guard case .problem(let problem) = records.last?.payload, case .journalDamaged = problem else {
            Issue.record("no damaged-journal problem: \(records)")
            return
        }
        #expect(problem.isMessage)
        #expect(records.last?.locator == .record(2))
    }

    /// A flipped bit anywhere in the last record (length, checksum, payload, marker) is caught by the checksum or
    /// the framing, never taken for a datagram.
    @Test func corruptionAnywhereInTheLastRecordIsDetected() throws {
        let directory = try ScratchFolder("usage-audit-journal")
        let (path, offsets) = try writeJournal([Self.startMessage, Array("1{}".utf8)], in: directory)
        let whole = try readFile(path)
        for index in offsets[1]..<whole.count {
            var damaged = whole
            damaged[index] ^= 0x10
            let (items, readError) = try readAll(damaged, in: directory)
            #expect(readError == nil)
            #expect(items.count == 2, "flip at \(index)")
            guard case .entry(let first)? = items.first, case .problem(let locator, _)? = items.last else {
                Issue.record("flip at \(index): \(items)")
                continue
            }
            #expect(first.sequence == 1)
            #expect(locator == .record(2))
        }
    }

    @Test func damageInTheMiddleIsSkippedAndTheLostRecordsNamed() throws {
        let directory = try ScratchFolder("usage-audit-journal")
        let (path, offsets) = try writeJournal(Array(repeating: Self.startMessage, count: 4), in: directory)
        var damaged = try readFile(path)
        damaged[offsets[1] + JournalFormat.recordHeaderBytes + 5] ^= 0xFF
        let (items, _) = try readAll(damaged, in: directory)
        #expect(describe(items) == ["1", "problem record 2", "3", "4"])
        if case .problem(_, let message) = items[1] {
            #expect(message.contains("checksum mismatch"), "\(message)")
            #expect(message.contains("record 2 lost"), "\(message)")
        }
    }

    @Test func garbageBetweenRecordsIsSkippedWithoutLosingRecords() throws {
        let directory = try ScratchFolder("usage-audit-journal")
        let (path, offsets) = try writeJournal(Array(repeating: Self.startMessage, count: 3), in: directory)
        let whole = try readFile(path)
        // Marker look-alikes in the garbage must not be mistaken for records.
        let garbage = Array("UAJRUAJ\u{0}\u{0}\u{1}UAJR junk".utf8) + Array(repeating: 0xAB, count: 100)
        let damaged = Array(whole[..<offsets[2]]) + garbage + Array(whole[offsets[2]...])
        let (items, _) = try readAll(damaged, in: directory)
        #expect(describe(items) == ["1", "2", "problem record 3", "3"])
        if case .problem(_, let message) = items[2] {
            #expect(message.contains("\(garbage.count) damaged bytes at offset \(offsets[2])"), "\(message)")
            #expect(message.contains("no record lost"), "\(message)")
        }
    }

    @Test func missingRecordsAreReported() throws {
        let directory = try ScratchFolder("usage-audit-journal")
        let (path, offsets) = try writeJournal(Array(repeating: Self.startMessage, count: 4), in: directory)
        let whole = try readFile(path)
        let withoutTwoAndThree = Array(whole[..<offsets[1]]) + Array(whole[offsets[3]...])
        let (items, _) = try readAll(withoutTwoAndThree, in: directory)
        #expect(describe(items) == ["1", "problem record 2", "4"])
        if case .problem(_, let message) = items[1] {
            #expect(message.contains("records 2 to 3 are missing"), "\(message)")
        }
        // A record repeated (a copy spliced in) is damage, not a second message.
        let repeated = Array(whole[..<offsets[2]]) + Array(whole[offsets[1]...])
        #expect(describe(try readAll(repeated, in: directory).items) == ["1", "2", "problem record 3", "3", "4"])
    }

    @Test func inputsThatAreNotJournalsAreReadErrors() throws {
        let directory = try ScratchFolder("usage-audit-journal")
        let (path, _) = try writeJournal([Self.startMessage], in: directory)
        let whole = try readFile(path)
        var newer = whole
        newer[JournalFormat.magic.count + 2] = 0x09
        let cases: [(bytes: [UInt8], expected: String)] = [
            ([], "empty"),
            (Array(whole[..<10]), "header is incomplete (10 of 32 bytes)"),
            (Array("usage-audit journey\n".utf8) + Array(whole[20...]), "not a usage-audit journal"),
            (newer, "format version 9"),
        ]
        for (bytes, expected) in cases {
            let (items, readError) = try readAll(bytes, in: directory)
            #expect(items.isEmpty)
            #expect(readError?.contains(expected) == true, "\(String(describing: readError))")
        }
    }

    @Test func writerRefusesToOverwriteOrExtendEvidence() throws {
        let directory = try ScratchFolder("usage-audit-journal")
        let path = directory.path("kept.journal")
        try writeFile(path, Array("earlier evidence".utf8))
        #expect(throws: JournalError.self) { try JournalWriter(path: path) }
        #expect(try readFile(path) == Array("earlier evidence".utf8))
        do {
            _ = try JournalWriter(path: directory.path(""))
            Issue.record("a directory was accepted as a journal")
        } catch {
            #expect(error.code == .cannotOpen || error.code == .notRegularFile)
        }
        do {
            _ = try JournalWriter(path: directory.path("no/such/dir.journal"))
            Issue.record("a missing directory was accepted")
        } catch {
            #expect(error.description.contains("no/such/dir.journal"))
        }
        // An existing empty file (from mktemp) is fine.
        let empty = directory.path("empty.journal")
        try writeFile(empty, [])
        let writer = try JournalWriter(path: empty)
        do {
            try writer.append(Array(repeating: 0, count: JournalFormat.maxPayloadBytes + 1), receivedAt: 0, sender: nil)
            Issue.record("an oversized record was written")
        } catch {
            #expect(error.code == .recordTooLarge)
        }
        #expect(writer.recordCount == 0)
        #expect(writer.committedBytes == JournalFormat.headerBytes)
    }

    /// The collector's live check reads the journal while it grows: an incomplete record means "not yet", until
    /// the input is declared complete, when it becomes a torn record.
    @Test func growingInputWaitsForWholeRecords() throws {
        let directory = try ScratchFolder("usage-audit-journal")
        let (path, offsets) = try writeJournal([Self.startMessage, Array("1{}".utf8)], in: directory)
        let whole = try readFile(path)
        let growing = GrowingBytes(whole)
        let reader = JournalReader(growing, source: "live")
        var sequences: [Int] = []
        for visible in 0...whole.count {
            growing.visible = visible
            while let item = reader.nextItem() {
                guard case .entry(let entry) = item else {
                    Issue.record("problem while growing, at \(visible) bytes: \(item)")
                    return
                }
                sequences.append(entry.sequence)
                let needed = offsets[entry.sequence]
                #expect(visible >= needed, "record \(entry.sequence) returned before it was whole")
            }
        }
        #expect(sequences == [1, 2])
        #expect(reader.readError == nil)

        let torn = GrowingBytes(Array(whole[..<(offsets[1] + 3)]))
        let tornReader = JournalReader(torn, source: "live")
        torn.visible = torn.bytes.count
        #expect(describe(Array(sequence(state: tornReader) { $0.nextItem() })) == ["1"])
        torn.complete = true
        #expect(describe(Array(sequence(state: tornReader) { $0.nextItem() })) == ["problem record 2"])
    }

    @Test func crcMatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    /// The resynchronisation's checksums: any stretch, from the running checksums at its two ends, equals the
    /// checksum computed directly, including empty stretches, stretches of the whole span and stretches
    /// that wrap around the ring.
    @Test func streamChecksumsAgreeWithDirectChecksums() {
        var generator = SplitMix64(seed: 0xC4C_32)
        let bytes = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let span = JournalFormat.maxRecordBytes
        var checksums = StreamChecksums(span: span)
        let start = 32
        var horizon = start
        while horizon < bytes.count {
            let step = Int.random(in: 1...40_000, using: &generator)
            let end = min(bytes.count, horizon + step)
            // Windows overlap what is already folded, as the reader's peeks do.
            let windowStart = max(start, horizon - Int.random(in: 0...100, using: &generator))
            checksums.extend(with: bytes[windowStart..<end], at: windowStart)
            horizon = end
            for _ in 0..<20 {
                let upper = Int.random(in: max(start, horizon - span)...horizon, using: &generator)
                let lower = Int.random(in: max(start, horizon - span)...upper, using: &generator)
                #expect(checksums.checksum(of: lower..<upper) == CRC32.checksum(bytes[lower..<upper]))
            }
        }
    }

    /// A header and a megabyte of record markers, each claiming a 64 KiB payload: checking each candidate
    /// by checksumming what it claims was 8,000 times the input's work (22 s); it must read in linear time,
    /// as one damaged stretch, and find the whole record after it, although the last markers claim more
    /// than the journal holds.
    @Test func markerFloodReadsInLinearTime() throws {
        var flood = JournalFormat.header(createdAt: 0)
        let marker = JournalFormat.recordMarker + [0x00, 0x00, 0xFF, 0xFF]
        while flood.count < 1_000_000 { flood += marker }
        var last: [UInt8] = []
        JournalFormat.encodeRecord(sequence: 1, receivedAt: 0, sender: nil, payload: UnsafeRawBufferPointer(start: nil, count: 0), into: &last)
        flood += last
        let directory = try ScratchFolder("usage-audit-journal")
        let (result, use) = try measure { try readAll(flood, in: directory) }
        #expect(describe(result.items) == ["problem record 1", "1"])
        #expect(use.seconds < 10 && use.peakGrowthMiB < 200, "\(use)")
    }

    /// Markers that each claim a different length, some landing on another marker: still one damaged stretch.
    @Test func markersClaimingEveryLengthReadInLinearTime() throws {
        var flood = JournalFormat.header(createdAt: 0)
        var generator = SplitMix64(seed: 7)
        while flood.count < 500_000 {
            flood += JournalFormat.recordMarker
            let length = UInt32.random(in: 0...UInt32(JournalFormat.maxPayloadBytes), using: &generator)
            flood += withUnsafeBytes(of: length.bigEndian, Array.init)
            flood += (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
        let directory = try ScratchFolder("usage-audit-journal")
        let (result, use) = try measure { try readAll(flood, in: directory) }
        #expect(describe(result.items).allSatisfy { $0.hasPrefix("problem") } && result.items.count == 1)
        #expect(use.seconds < 10, "\(use)")
    }

    private func describe(_ items: [JournalReader.Item]) -> [String] {
        items.map { item in
            switch item {
            case .entry(let entry): "\(entry.sequence)"
            case .problem(let locator, _): "problem \(locator)"
            }
        }
    }
}

/// A journal that is still being written: `visible` bytes are there so far.
private final class GrowingBytes: JournalByteInput {
    let bytes: [UInt8]
    var visible = 0
    var complete = false
    private var position = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    func peek(_ count: Int) -> ArraySlice<UInt8> { bytes[position..<min(visible, position + count)] }
    func read(_ count: Int) -> ArraySlice<UInt8> {
        defer { position += count }
        return bytes[position..<(position + count)]
    }
    var isComplete: Bool { complete }
    var error: String? { nil }
}

private struct TestFileError: Error { var message: String }

private func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw TestFileError(message: "cannot create \(path)") }
    defer { close(fd) }
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    guard written == bytes.count else { throw TestFileError(message: "short write to \(path)") }
}

private func readFile(_ path: String) throws -> [UInt8] {
    let source = try ByteSource(path: path)
    return Array(source.read(Int.max / 2))
}
