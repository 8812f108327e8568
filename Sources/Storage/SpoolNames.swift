import Synchronization

/// Strings that nearly every record of a run repeats (the input a message or finding came from), kept once
/// for the process and named in records by number (`SpoolEncoder.writeName`, `SpoolDecoder.readNameBytes`):
/// the 200,000-message benchmark spooled its input's 40-byte path in each of 364,000 records, 15 MB of the
/// 85 MB its spools wrote to their files, read back and dropped.
///
/// Numbers belong to the process, not to a spool: records are copied from spool to spool (the external
/// sort) and read on other threads, all within the run. A name's bytes are never moved or freed, so a
/// record's reader finds them without a lock: a name is published (`published`, with release ordering)
/// before the number is handed out, and its record is read only after it was spooled. Bounded: at most
/// `capacity` names and `byteLimit` bytes of them; past either, a string is written into its record.
///
/// `@unchecked Sendable`: `numbers` and `kept` are guarded by `lock`; `names` slots below `published` are
/// written once, before `published` counts them, and only read after.
public final class SpoolNames: @unchecked Sendable {
    /// The process's names, the ones spools use.
    public static let shared = SpoolNames()

    let capacity: Int
    let byteLimit: Int
    private let lock = Mutex(())
    private var numbers: [String: Int] = [:]
    private var kept = 0
    private let names: UnsafeMutablePointer<UnsafeRawBufferPointer>
    private let published = Atomic<Int>(0)

    /// The shared table holds up to 65,536 names in 4 MB: a run's inputs, whatever their number. The
    /// dictionary from name to number keeps its own copy of each, so the table's memory is bounded by about
    /// twice `byteLimit` (plus 16 bytes a name for `names`).
    init(capacity: Int = 65_536, byteLimit: Int = 4 << 20) {
        self.capacity = capacity
        self.byteLimit = byteLimit
        names = .allocate(capacity: capacity)
    }

    deinit {
        for number in 0..<published.load(ordering: .acquiring) {
            UnsafeMutableRawPointer(mutating: names[number].baseAddress)?.deallocate()
        }
        names.deallocate()
    }

    /// The number of `string`, naming it first if it has none; `nil` once the table is full.
    func number(of string: String) -> Int? {
        lock.withLock { _ in
            if let number = numbers[string] { return number }
            let count = string.utf8.count
            guard numbers.count < capacity, kept + count <= byteLimit else { return nil }
            let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 1)
            var copy = string
            copy.withUTF8 { storage.copyMemory(from: UnsafeRawBufferPointer($0)) }
            let number = numbers.count
            names[number] = UnsafeRawBufferPointer(rebasing: storage[..<count])
            published.store(number + 1, ordering: .releasing)
            numbers[string] = number
            kept += count
            return number
        }
    }

    /// The bytes of the name numbered `number`, or `nil` when no such name was published (a damaged record).
    func bytes(of number: Int) -> UnsafeRawBufferPointer? {
        guard number >= 0, number < published.load(ordering: .acquiring) else { return nil }
        return names[number]
    }
}

extension SpoolEncoder {
    /// A string most records repeat: 1 + its number in `names` (`SpoolNames`), or 0 and the string itself
    /// when the table is full. The last one named is remembered: records of one input name the same string
    /// one after another, compared here without the table's lock (and only for the table that numbered it).
    public mutating func writeName(_ value: String, in names: SpoolNames = .shared) {
        let table = ObjectIdentifier(names)
        if let last = lastName, last.table == table, last.string == value { return write(UInt64(last.number + 1)) }
        guard let number = names.number(of: value) else {
            write(UInt64(0))
            return write(value)
        }
        lastName = (value, number, table)
        write(UInt64(number + 1))
    }
}

extension SpoolDecoder {
    /// The UTF-8 bytes of a string `SpoolEncoder.writeName` wrote: the table's, or the record's.
    public mutating func readNameBytes(in names: SpoolNames = .shared) throws(SpoolError) -> UnsafeRawBufferPointer {
        let tag = try readUInt64()
        if tag == 0 { return try readStringBytes() }
        guard tag <= UInt64(names.capacity), let bytes = names.bytes(of: Int(tag) - 1) else {
            throw SpoolError("a record names string \(tag - 1), which was never named")
        }
        return bytes
    }

    public mutating func readName(in names: SpoolNames = .shared) throws(SpoolError) -> String {
        String(decoding: try readNameBytes(in: names), as: UTF8.self)
    }
}
