import AuditInputs

/// A `listen` journal read back: header, records, checksums, and the resynchronisation after damage. The
/// input is served in pieces whose sizes come from the input itself, as the live check sees a journal
/// still being written, then whole.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJournal(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Whole, as `check` reads a journal file.
    let whole = MemoryJournal(bytes, visible: bytes.count, complete: true)
    let reader = JournalReader(whole, source: "fuzz")
    var items = 0
    while let item = reader.nextItem() {
        items += 1
        if case .problem(_, let message) = item, message.isEmpty { fatalError("a problem without a message") }
    }
    if items > size + 1 { fatalError("\(items) items from \(size) bytes") }
    // Growing, as the live check tails it: the visible length steps by an amount the first byte chooses.
    let step = 1 + Int(bytes.first ?? 0) * 7
    let growing = MemoryJournal(bytes, visible: 0, complete: false)
    let tail = JournalReader(growing, source: "fuzz")
    var tailItems = 0
    while true {
        while tail.nextItem() != nil { tailItems += 1 }
        if growing.complete { break }
        growing.visible = min(bytes.count, growing.visible + step)
        if growing.visible == bytes.count { growing.complete = true }
    }
    if tailItems > size + 1 { fatalError("\(tailItems) items from \(size) bytes while growing") }
    return 0
}

/// Bytes of which the first `visible` are written so far.
final class MemoryJournal: JournalByteInput {
    let bytes: [UInt8]
    var visible: Int
    var complete: Bool
    var position = 0
    init(_ bytes: [UInt8], visible: Int, complete: Bool) {
        self.bytes = bytes
        self.visible = visible
        self.complete = complete
    }
    func peek(_ count: Int) -> ArraySlice<UInt8> { bytes[position..<min(visible, position + count)] }
    func read(_ count: Int) -> ArraySlice<UInt8> {
        let end = min(visible, position + count)
        defer { position = end }
        return bytes[position..<end]
    }
    var isComplete: Bool { complete }
    var error: String? { nil }
}
