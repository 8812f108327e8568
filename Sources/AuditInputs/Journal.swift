import AuditModel
import CaptureReaders
import Storage
import SystemPackage

// `clock_gettime(CLOCK_REALTIME)` and `inet_ntop(3)`: the wall clock and address text, which neither the Swift
// standard library nor swift-system offers.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The journal `usage-audit listen` keeps: every datagram byte for byte, with its receive time and sender,
/// appended before anything parses it, so the evidence survives whatever the checker (or a crash) does next.
///
/// Layout, all integers big-endian:
///
///     header, 32 bytes:  "usage-audit journal\n" | version u16 = 1 | reserved u16 = 0 | created i64 (ns)
///     record, 48+n:      "UAJR" | n u32 | sequence u64 | received i64 (ns) | family u8 (0, 4, 6) | 0 u8 |
///                        port u16 | address 16 bytes | payload, n bytes | CRC-32 of all the record's bytes before it
///
/// Times are nanoseconds since the Unix epoch (UTC). Sequences start at 1 and rise by one: they are the
/// `record` locators of the report, in the live run and when `check` reads the journal back.
///
/// Each record reaches the file in one `write(2)` on a descriptor opened with `O_APPEND`, so a killed
/// process leaves at most one record incomplete, the last. The reader tells a torn record by its length or
/// its checksum, reports it, and keeps every record before it; damage inside the file is skipped up to the
/// next record whose checksum holds, and reported with the records it swallowed.
public enum JournalFormat {
    /// The first bytes of every journal: what kind detection recognises.
    public static let magic = InputOpener.journalMagic
    public static let version: UInt16 = 1
    public static let headerBytes = 32
    /// Marks the start of each record; with the checksum, lets the reader find records again after damage.
    public static let recordMarker: [UInt8] = Array("UAJR".utf8)
    /// Marker, length, sequence, time, family, reserved, port and address: everything before the payload.
    public static let recordHeaderBytes = 44
    /// The header and the trailing checksum.
    public static let recordOverheadBytes = recordHeaderBytes + 4
    /// The largest UDP payload (a 16-bit length); anything longer in a journal is damage, not a datagram.
    public static let maxPayloadBytes = 65_535
    public static let maxRecordBytes = recordOverheadBytes + maxPayloadBytes

    /// The file header for a journal created at `createdAt` (ns since the epoch).
    public static func header(createdAt: Int64) -> [UInt8] {
        var bytes = magic
        bytes.append(0x0A)
        bytes.appendBigEndian(version)
        bytes.appendBigEndian(UInt16(0))
        bytes.appendBigEndian(UInt64(bitPattern: createdAt))
        assert(bytes.count == headerBytes)
        return bytes
    }

    /// Appends one encoded record to `buffer` (the caller reuses the buffer between records).
    public static func encodeRecord(
        sequence: Int, receivedAt: Int64, sender: JournalSender?, payload: UnsafeRawBufferPointer,
        into buffer: inout [UInt8]
    ) {
        precondition(payload.count <= maxPayloadBytes && sequence > 0)
        let start = buffer.count
        buffer.append(contentsOf: recordMarker)
        buffer.appendBigEndian(UInt32(payload.count))
        buffer.appendBigEndian(UInt64(sequence))
        buffer.appendBigEndian(UInt64(bitPattern: receivedAt))
        buffer.append(sender?.family.rawValue ?? 0)
        buffer.append(0)
        buffer.appendBigEndian(sender?.port ?? 0)
        var address = sender?.address ?? []
        address.append(contentsOf: repeatElement(0, count: 16 - address.count))
        buffer.append(contentsOf: address)
        buffer.append(contentsOf: payload)
        let checksum = CRC32.checksum(buffer[start...])
        buffer.appendBigEndian(checksum)
    }

    /// What the bytes at the start of `bytes` hold.
    enum Decoded {
        case record(JournalEntry, length: Int)
        /// A record may start here, but `bytes` ends before it does.
        case incomplete
        /// No record starts here: the reason, for the report.
        case invalid(String)
    }

    /// Decodes the record at the start of `bytes`, checksumming it directly.
    static func decodeRecord(_ bytes: ArraySlice<UInt8>) -> Decoded {
        decodeRecord(bytes, checksum: { CRC32.checksum(bytes[$0]) })
    }

    /// Decodes the record at the start of `bytes`, with `checksum` giving the CRC-32 of a range of `bytes`'
    /// indices. The reader passes one whose cost does not grow with the range (``StreamChecksums``):
    /// resynchronising after damage tries every record marker, and each may claim a 64 KiB payload.
    static func decodeRecord(_ bytes: ArraySlice<UInt8>, checksum: (Range<Int>) -> UInt32) -> Decoded {
        let base = bytes.startIndex
        let markerLength = min(bytes.count, recordMarker.count)
        guard bytes.prefix(markerLength).elementsEqual(recordMarker.prefix(markerLength)) else {
            return .invalid("no record marker")
        }
        guard bytes.count >= 8 else { return .incomplete }
        let length = Int(bytes.bigEndianInteger(UInt32.self, at: base + 4))
        guard length <= maxPayloadBytes else {
            return .invalid("a record length of \(length) bytes, over the \(maxPayloadBytes) a datagram can hold")
        }
        let total = recordOverheadBytes + length
        guard bytes.count >= total else { return .incomplete }
        let stored = bytes.bigEndianInteger(UInt32.self, at: base + total - 4)
        guard checksum(base..<(base + total - 4)) == stored else { return .invalid("a checksum mismatch") }
        let sequence = bytes.bigEndianInteger(UInt64.self, at: base + 8)
        guard sequence > 0, sequence <= UInt64(Int.max) else { return .invalid("a sequence number of \(sequence)") }
        let receivedAt = Int64(bitPattern: bytes.bigEndianInteger(UInt64.self, at: base + 16))
        let family = bytes[base + 24]
        let port = bytes.bigEndianInteger(UInt16.self, at: base + 26)
        let sender: JournalSender?
        switch family {
        case 0: sender = nil
        case JournalSender.Family.ipv4.rawValue:
            sender = JournalSender(family: .ipv4, address: Array(bytes[(base + 28)..<(base + 32)]), port: port)
        case JournalSender.Family.ipv6.rawValue:
            sender = JournalSender(family: .ipv6, address: Array(bytes[(base + 28)..<(base + 44)]), port: port)
        default: return .invalid("an unknown address family \(family)")
        }
        let payload = Array(bytes[(base + recordHeaderBytes)..<(base + recordHeaderBytes + length)])
        let entry = JournalEntry(sequence: Int(sequence), receivedAt: receivedAt, sender: sender, payload: payload)
        return .record(entry, length: total)
    }

    /// The current wall-clock time in nanoseconds since the Unix epoch: a record's receive time.
    public static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

/// Where a datagram came from: an IPv4 or IPv6 address and a UDP port.
public struct JournalSender: Sendable, Hashable, CustomStringConvertible {
    public enum Family: UInt8, Sendable {
        case ipv4 = 4
        case ipv6 = 6
    }
    public var family: Family
    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    public var address: [UInt8]
    public var port: UInt16

    public init(family: Family, address: [UInt8], port: UInt16) {
        precondition(address.count == (family == .ipv4 ? 4 : 16))
        self.family = family
        self.address = address
        self.port = port
    }

    /// `127.0.0.1:50000` or `[::1]:50000`.
    public var description: String {
        var text = [CChar](repeating: 0, count: 64)
        let ok = address.withUnsafeBytes { raw in
            inet_ntop(family == .ipv4 ? AF_INET : AF_INET6, raw.baseAddress, &text, socklen_t(text.count)) != nil
        }
        let host = ok ? String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
        return family == .ipv4 ? "\(host):\(port)" : "[\(host)]:\(port)"
    }
}

/// One datagram as the journal holds it.
public struct JournalEntry: Sendable, Hashable {
    /// Its sender and receive time as network evidence (no receiver: the journal does not record the
    /// address `listen` bound); `nil` when the record has no sender.
    public var network: NetworkEvidence? {
        sender.map {
            NetworkEvidence(
                from: $0.description, to: nil,
                time: NetworkEvidence.rfc3339(seconds: 0, nanoseconds: receivedAt))
        }
    }

    /// 1-based, rising by one: the record's locator.
    public var sequence: Int
    /// Nanoseconds since the Unix epoch, taken when the collector read the datagram.
    public var receivedAt: Int64
    public var sender: JournalSender?
    /// The UDP payload, byte for byte.
    public var payload: [UInt8]

    public init(sequence: Int, receivedAt: Int64, sender: JournalSender?, payload: [UInt8]) {
        self.sequence = sequence
        self.receivedAt = receivedAt
        self.sender = sender
        self.payload = payload
    }
}

/// A journal that could not be created or written.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let cannotOpen = Code(rawValue: "cannot-open")
        /// The file already holds data: a journal is evidence, so it is never overwritten or extended.
        public static let notEmpty = Code(rawValue: "not-empty")
        public static let notRegularFile = Code(rawValue: "not-regular-file")
        public static let writeFailed = Code(rawValue: "write-failed")
        public static let recordTooLarge = Code(rawValue: "record-too-large")
    }
    public var code: Code
    public var path: String
    public var message: String
    public var description: String { "journal \(path): \(message)" }
}

/// Appends datagrams to a new journal file.
///
/// Owns its file descriptor (closed in `deinit`). Not thread-safe: one writer, on one thread (the collector's
/// event loop). Each record is one `write(2)` with `O_APPEND`; nothing is buffered in the process, so a killed
/// collector loses at most the record being written, and that one shows as torn on reading.
public final class JournalWriter {
    public let path: String
    /// The sequence number of the last record written; 0 before the first.
    public private(set) var recordCount = 0
    /// Bytes in the file, header included: everything up to here has been handed to the kernel.
    public private(set) var committedBytes = 0
    /// The open journal; `nil` once closed.
    private var descriptor: FileDescriptor?
    private var scratch: [UInt8] = []

    /// Creates the journal at `path` and writes its header. An existing empty file is used; one that already holds
    /// data is refused.
    public init(path: String, createdAt: Int64 = JournalFormat.now()) throws(JournalError) {
        self.path = path
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.create, .append, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw JournalError(code: .cannotOpen, path: path, message: "cannot create: \(error)")
        }
        guard let info = try? fd.stat(), info.type == .regular else {
            try? fd.close()
            throw JournalError(
                code: .notRegularFile, path: path, message: "not a regular file (the live check reads the journal back)"
            )
        }
        guard info.size == 0 else {
            try? fd.close()
            throw JournalError(
                code: .notEmpty, path: path,
                message: "already holds \(info.size) bytes; a journal is evidence and is never overwritten or "
                    + "extended: choose a new file")
        }
        descriptor = fd
        scratch.reserveCapacity(JournalFormat.maxRecordBytes)
        let header = JournalFormat.header(createdAt: createdAt)
        try writeAll(header, what: "the header")
    }

    deinit { close() }

    /// Appends one datagram; returns its sequence number.
    @discardableResult
    public func append(_ payload: UnsafeRawBufferPointer, receivedAt: Int64, sender: JournalSender?)
        throws(JournalError)
        -> Int
    {
        guard payload.count <= JournalFormat.maxPayloadBytes else {
            throw JournalError(
                code: .recordTooLarge, path: path,
                message:
                    "a \(payload.count)-byte datagram is over the \(JournalFormat.maxPayloadBytes) bytes UDP allows")
        }
        let sequence = recordCount + 1
        scratch.removeAll(keepingCapacity: true)
        JournalFormat.encodeRecord(
            sequence: sequence, receivedAt: receivedAt, sender: sender, payload: payload, into: &scratch)
        try writeAll(scratch, what: "record \(sequence)")
        recordCount = sequence
        return sequence
    }

    /// Appends one datagram held in an array.
    @discardableResult
    public func append(_ payload: [UInt8], receivedAt: Int64, sender: JournalSender?) throws(JournalError) -> Int {
        let result = payload.withUnsafeBytes { raw in
            Result { () throws(JournalError) in try append(raw, receivedAt: receivedAt, sender: sender) }
        }
        return try result.get()
    }

    /// Asks the kernel to put the journal on disk (`fsync`): done once, when the collector stops.
    public func sync() throws(JournalError) {
        guard let descriptor else { return }
        do {
            try descriptor.synchronize()
        } catch {
            throw JournalError(code: .writeFailed, path: path, message: "fsync failed: \(error)")
        }
    }

    /// Closes the file; later appends fail.
    public func close() {
        try? descriptor?.close()
        descriptor = nil
    }

    /// Hands `bytes` to the kernel, retrying after signals and short writes; counts what got into the file even
    /// when a later part fails, so a reader tailing the journal sees the torn record as it is.
    private func writeAll(_ bytes: [UInt8], what: String) throws(JournalError) {
        guard let descriptor else {
            throw JournalError(code: .writeFailed, path: path, message: "cannot write \(what): the journal is closed")
        }
        let (written, failure) = bytes.withUnsafeBytes { descriptor.writeAll($0) }
        committedBytes += written
        if let failure {
            throw JournalError(
                code: .writeFailed, path: path,
                message: "writing \(what) failed after \(written) of \(bytes.count) bytes: \(failure)")
        }
    }
}

/// Bytes a journal reader consumes: a whole file or standard input (`ByteSource`), or a journal still being written
/// (the collector's live check, which reads only what the writer has committed).
public protocol JournalByteInput: AnyObject {
    /// Up to `count` bytes from the current position, without consuming them.
    func peek(_ count: Int) -> ArraySlice<UInt8>
    /// Consumes `count` bytes (the caller peeked them first).
    func read(_ count: Int) -> ArraySlice<UInt8>
    /// Whether the bytes `peek` shows are all there will ever be: then a short record is torn, not pending.
    var isComplete: Bool { get }
    /// Why reading stopped early, if it did.
    var error: String? { get }
}

extension ByteSource: JournalByteInput {
    /// `peek` reads until it has the bytes asked for or reaches the end of the input, so whatever it shows is final.
    public var isComplete: Bool { true }
}

/// Reads a journal back: the `journal` input kind of `check`, and the collector's live check.
///
/// Records come out in file order with their sequence as locator. A torn or damaged stretch becomes one
/// `journal.torn-record` problem (a warning; it counts as an unparsed message) and reading goes on after it.
/// Memory stays flat: one record at a time.
public final class JournalReader: RecordReader {
    public let source: String
    public let kind = InputKind.journal
    public var readError: String? { headerError ?? input.error.map { "\(source): \($0)" } }

    /// What the reader found next.
    public enum Item {
        case entry(JournalEntry)
        /// A torn or damaged stretch, or records missing from the sequence.
        case problem(locator: Locator, message: String)

        /// What the checker takes: the datagram, or a damaged-journal problem that counts as an unparsed
        /// message.
        public var record: InputRecord {
            switch self {
            case .entry(let entry):
                InputRecord(locator: .record(entry.sequence), payload: .datagram(entry.payload), network: entry.network)
            case .problem(let locator, let message):
                InputRecord(locator: locator, payload: .problem(.journalDamaged(description: message)))
            }
        }
    }

    private let input: any JournalByteInput
    private var headerRead = false
    private var headerError: String?
    private var finished = false
    /// Bytes consumed so far, for the offsets in problem messages.
    private var offset = 0
    private var lastSequence = 0
    /// A stretch of bytes that holds no valid record, while it is being skipped.
    private var damage: (offset: Int, length: Int, reason: String)?
    /// A record found right after a problem, returned on the next call.
    private var pending: JournalEntry?
    /// Prefix checksums of the bytes seen, so that checking a candidate record costs the same whatever
    /// length it claims.
    private var checksums = StreamChecksums(span: JournalFormat.maxRecordBytes)
    /// The bytes of the entry returned last, and of `pending`: the region its findings point at.
    private var entryRegion: ByteRegion?
    private var pendingRegion: ByteRegion?

    public init(_ input: any JournalByteInput, source: String) {
        self.input = input
        self.source = source
    }

    /// Reads a whole file or standard input.
    public convenience init(_ bytes: ByteSource) {
        self.init(bytes, source: bytes.name)
    }

    public func next() -> InputRecord? { nextItem().map(record(of:)) }

    /// What the checker takes from `item`, the item `nextItem()` returned last: its record, with the
    /// entry's bytes in the file as its region.
    public func record(of item: Item) -> InputRecord {
        var record = item.record
        if case .entry = item { record.region = entryRegion }
        return record
    }

    /// The next record or problem; `nil` at the end, or, while the input is still growing, until more is written.
    public func nextItem() -> Item? {
        if let entry = pending {
            pending = nil
            entryRegion = pendingRegion
            accept(entry)
            return .entry(entry)
        }
        guard !finished else { return nil }
        if !headerRead {
            guard readHeader() else { return nil }
        }
        while true {
            let window = input.peek(JournalFormat.maxRecordBytes)
            if window.isEmpty {
                guard input.isComplete else { return nil }
                finished = true
                if let damaged = damage {
                    damage = nil
                    return damagedToTheEnd(damaged)
                }
                return nil
            }
            checksums.extend(with: window, at: offset)
            let windowStart = window.startIndex
            let windowOffset = offset
            let decoded = JournalFormat.decodeRecord(window) { range in
                self.checksums.checksum(
                    of: (windowOffset + range.lowerBound - windowStart)..<(windowOffset + range.upperBound - windowStart))
            }
            switch decoded {
            case .record(let entry, let length) where entry.sequence > lastSequence:
                let problem = problemBefore(entry)
                let region = ByteRegion(offset: offset, length: length)
                consume(length)
                if let problem {
                    pending = entry
                    pendingRegion = region
                    return problem
                }
                entryRegion = region
                accept(entry)
                return .entry(entry)
            case .record:
                skip(window, reason: "a record out of sequence")
            case .incomplete:
                guard input.isComplete else { return nil }
                // A record claiming more bytes than the journal has left: the torn last record, unless a
                // whole record follows inside what it claims (then it was damage), so the search goes on.
                skip(window, reason: Self.runsPastTheEnd)
            case .invalid(let reason):
                skip(window, reason: reason)
            }
        }
    }

    private func readHeader() -> Bool {
        let head = input.peek(JournalFormat.headerBytes)
        let magic = JournalFormat.magic + [0x0A]
        let compared = min(head.count, magic.count)
        guard head.prefix(compared).elementsEqual(magic.prefix(compared)) else {
            return fail("not a usage-audit journal: it does not start with \"usage-audit journal\"")
        }
        guard head.count == JournalFormat.headerBytes else {
            guard input.isComplete else { return false }
            if head.isEmpty { return fail("empty: a journal starts with a 32-byte header") }
            return fail("the journal header is incomplete (\(head.count) of \(JournalFormat.headerBytes) bytes)")
        }
        let version = head.bigEndianInteger(UInt16.self, at: head.startIndex + magic.count)
        guard version == JournalFormat.version else {
            return fail("journal format version \(version) is not one this build reads (\(JournalFormat.version))")
        }
        consume(JournalFormat.headerBytes)
        headerRead = true
        return true
    }

    private func fail(_ message: String) -> Bool {
        headerError = "\(source): \(message)"
        finished = true
        return false
    }

    private func consume(_ count: Int) {
        _ = input.read(count)
        offset += count
    }

    private func accept(_ entry: JournalEntry) {
        lastSequence = entry.sequence
    }

    /// The reason of a stretch that starts with a record longer than the rest of the journal: at the end, a
    /// torn record, which needs no more explanation.
    private static let runsPastTheEnd = "a record running past the end of the journal"

    /// Moves past bytes that hold no record, up to the next record marker, remembering the damaged stretch.
    private func skip(_ window: ArraySlice<UInt8>, reason: String) {
        if damage == nil { damage = (offset, 0, reason) }
        let marker = JournalFormat.recordMarker
        var next = window.startIndex + 1
        let limit = window.endIndex
        while next < limit {
            guard let candidate = window[next..<limit].firstIndex(of: marker[0]) else {
                next = limit
                break
            }
            let available = min(marker.count, limit - candidate)
            if window[candidate..<(candidate + available)].elementsEqual(marker.prefix(available)) {
                next = candidate
                break
            }
            next = candidate + 1
        }
        let count = next - window.startIndex
        consume(count)
        damage!.length += count
    }

    /// The problem to report before `entry`: the damaged stretch it ends, or the records missing before it.
    private func problemBefore(_ entry: JournalEntry) -> Item? {
        let missing = entry.sequence - lastSequence - 1
        let locator = Locator.record(lastSequence + 1)
        if let damaged = damage {
            damage = nil
            let lost = missing == 0 ? "no record lost" : "\(Self.records(lastSequence + 1, entry.sequence - 1)) lost"
            return .problem(
                locator: locator,
                message: "\(damaged.length) damaged bytes at offset \(damaged.offset) (\(damaged.reason)) skipped; "
                    + "\(lost); reading goes on at record \(entry.sequence)")
        }
        guard missing > 0 else { return nil }
        let which = Self.records(lastSequence + 1, entry.sequence - 1)
        return .problem(
            locator: locator,
            message: "\(which) \(missing == 1 ? "is" : "are") missing: the sequence jumps from \(lastSequence) to "
                + "\(entry.sequence)")
    }

    /// `record 3`, or `records 3 to 5`.
    private static func records(_ first: Int, _ last: Int) -> String {
        first == last ? "record \(first)" : "records \(first) to \(last)"
    }

    private func damagedToTheEnd(_ damaged: (offset: Int, length: Int, reason: String)) -> Item {
        tornTail(offset: damaged.offset, length: damaged.length, earlierReason: damaged.reason)
    }

    /// The journal ends inside a record: the collector stopped while writing it. Everything before it is kept.
    private func tornTail(offset start: Int, length: Int, earlierReason: String?) -> Item {
        let why = earlierReason.flatMap { $0 == Self.runsPastTheEnd ? nil : " (\($0))" } ?? ""
        return .problem(
            locator: .record(lastSequence + 1),
            message: "the journal ends in a torn record: its last \(length) bytes, from offset \(start)\(why), are not "
                + "a whole record (the collector stopped while writing it); the \(lastSequence) records before it "
                + "are intact")
    }
}

/// The CRC-32 of any stretch of a byte stream among its last bytes, at a cost that does not grow with the
/// stretch's length: each byte is folded once into a running checksum of everything before it, and the
/// checksum of `a..<b` follows from the running checksums at `a` and at `b` (CRC-32 is linear: zlib's
/// `crc32_combine` is the same identity).
///
/// This is what keeps reading a damaged journal linear: without it, each candidate record marker in a
/// flood of markers claiming 64 KiB payloads would cost a 64 KiB checksum.
struct StreamChecksums {
    /// Running checksums by stream offset, in a ring: `running[o & mask]` is the CRC-32 of the stream's
    /// bytes from the first offset extended up to `o`, for the last `mask + 1` offsets up to the horizon.
    private var running: [UInt32] = [0]
    private var mask = 0
    /// The longest stretch asked about: the ring grows (by doubling) until it covers it, and no further.
    private let span: Int
    /// The offset up to which the running checksums are known; `nil` before the first byte.
    private var horizon: Int?
    /// The first offset extended.
    private var first = 0

    /// Keeps enough to answer for stretches of up to `span` bytes within the bytes extended.
    init(span: Int) { self.span = span }

    /// Folds in the bytes of `window`, which start at stream offset `start`, beyond those already folded. The
    /// stream must be extended without gaps: `start` is at most the horizon.
    mutating func extend(with window: ArraySlice<UInt8>, at start: Int) {
        let known = horizon ?? start
        if horizon == nil {
            horizon = start
            first = start
            running[start & mask] = 0
        }
        precondition(start <= known, "the journal's bytes are checksummed without gaps")
        let end = start + window.count
        guard end > known else { return }
        grow(toCover: min(span, end - first))
        var crc = ~running[known & mask]
        let mask = mask
        running.withUnsafeMutableBufferPointer { running in
            CRC32.table.withUnsafeBufferPointer { table in
                for offset in known..<end {
                    crc = table[Int((crc ^ UInt32(window[window.startIndex + offset - start])) & 0xFF)] ^ (crc >> 8)
                    running[(offset + 1) & mask] = ~crc
                }
            }
        }
        horizon = end
    }

    /// Makes the ring hold at least `length + 1` offsets, keeping the running checksums already known.
    private mutating func grow(toCover length: Int) {
        guard length > mask, let horizon else { return }
        var capacity = mask + 1
        while capacity <= length { capacity <<= 1 }
        var larger = [UInt32](repeating: 0, count: capacity)
        let newMask = capacity - 1
        for offset in max(0, horizon - mask)...horizon { larger[offset & newMask] = running[offset & mask] }
        running = larger
        mask = newMask
    }

    /// The CRC-32 of the stream's bytes `range` (stream offsets), which must lie within the bytes extended,
    /// end by the horizon and start no more than `span` bytes before it.
    func checksum(of range: Range<Int>) -> UInt32 {
        guard let horizon, range.upperBound <= horizon, horizon - range.lowerBound <= mask else {
            preconditionFailure("a checksum outside the bytes kept")
        }
        let before = running[range.lowerBound & mask]
        let through = running[range.upperBound & mask]
        return through ^ CRC32.shift(before, byBytes: range.count)
    }
}

/// CRC-32 (IEEE 802.3, the one zlib and PNG use), table-driven.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum<Bytes: Collection>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// The reflected generator polynomial.
    private static let polynomial: UInt32 = 0xEDB8_8320

    /// `x^(2^k)` modulo the polynomial, for `k` in `0 ..< 64`: the powers `shift` combines.
    private static let powersOfX: [UInt32] = {
        var powers: [UInt32] = [1 << 30]  // x^1, in the reflected bit order
        while powers.count < 64 { powers.append(multiply(powers.last!, powers.last!)) }
        return powers
    }()

    /// `a * b` modulo the polynomial (bit-reflected, as zlib's `multmodp`).
    private static func multiply(_ a: UInt32, _ b: UInt32) -> UInt32 {
        var product: UInt32 = 0
        var b = b
        var bit: UInt32 = 1 << 31
        while bit != 0 {
            if a & bit != 0 { product ^= b }
            b = b & 1 != 0 ? (b >> 1) ^ polynomial : b >> 1
            bit >>= 1
        }
        return product
    }

    /// `checksum` times `x^(8 * count)`: what the checksum of some bytes contributes to the checksum of those
    /// bytes followed by `count` more (`crc(AB) = shift(crc(A), |B|) ^ crc(B)`). Costs `log2(count)` steps.
    static func shift(_ checksum: UInt32, byBytes count: Int) -> UInt32 {
        var power: UInt32 = 1 << 31  // x^0
        var exponent = UInt64(count) << 3
        var k = 0
        while exponent != 0 {
            if exponent & 1 != 0 { power = multiply(powersOfX[k], power) }
            exponent >>= 1
            k += 1
        }
        return multiply(power, checksum)
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}

extension ArraySlice where Element == UInt8 {
    /// The big-endian `T` at `index` (an index of the slice, not an offset into it).
    fileprivate func bigEndianInteger<T: FixedWidthInteger>(_ type: T.Type, at index: Int) -> T {
        withUnsafeBytes { $0.integer(T.self, at: index - startIndex) }
    }
}
