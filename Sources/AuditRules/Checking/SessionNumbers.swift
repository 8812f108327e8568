import CInline

/// The open sessions' numbers by correlator: the session step's one lookup per message, in a table made for
/// it.
///
/// Why not a `Dictionary<SessionKey, Int>`: with a hundred thousand open sessions the table is far larger
/// than a core's cache, and a dictionary lookup touched three places of it (its occupancy bits, the key,
/// the value, each in an array of its own) after hashing the key with SipHash; here a UUID key's slot holds
/// its bits and its number together, found by a multiply-and-shift hash of the bits, one cache miss a
/// lookup. The hash is seeded per process, so a capture cannot choose correlators that collide; correlators
/// that are not UUIDs (rare) go to a dictionary.
///
/// Open addressing with linear probing, at most half full; a removal shifts the entries after it back
/// rather than leaving a marker, so lookups never slow down as sessions come and go. It starts small and
/// doubles: memory is touched only as sessions open (24 bytes a slot, 6 MB for 100,000 open sessions).
struct SessionNumbers: ~Copyable {
    private struct Slot {
        var high: UInt64
        var low: UInt64
        /// The session's number; `Slot.empty` for a free slot.
        var number: Int

        static let empty = -1
    }

    private var slots: UnsafeMutableBufferPointer<Slot>
    private var mask: Int
    private var uuidCount = 0
    private var texts: [String: Int] = [:]
    private let seed: (UInt64, UInt64)

    /// Room for `capacity` numbers before the table grows.
    init(capacity: Int = 0) {
        var generator = SystemRandomNumberGenerator()
        seed = (generator.next() | 1, generator.next())
        let size = Self.size(for: capacity)
        slots = .allocate(capacity: size)
        slots.initialize(repeating: Slot(high: 0, low: 0, number: Slot.empty))
        mask = size - 1
    }

    deinit { slots.deallocate() }

    /// How many numbers the table holds.
    var count: Int { uuidCount + texts.count }

    /// Brings the slot `key`'s probe starts at into the cache, for a lookup a few records later.
    func prefetch(_ key: SessionKey) {
        guard case .uuid(let high, let low) = key, let base = slots.baseAddress else { return }
        ua_prefetch(base + home(high, low))
    }

    /// The number of the session with `key`, if it is open.
    func number(of key: SessionKey) -> Int? {
        switch key {
        case .text(let text): return texts[text]
        case .uuid(let high, let low):
            var index = home(high, low)
            while true {
                let slot = slots[index]
                if slot.number == Slot.empty { return nil }
                if slot.high == high && slot.low == low { return slot.number }
                index = (index &+ 1) & mask
            }
        }
    }

    /// Gives `key` the number `number` unless it has one: then that one is kept, and returned.
    mutating func insert(_ number: Int, for key: SessionKey) -> Int? {
        precondition(number >= 0, "a session number is never negative")
        switch key {
        case .text(let text):
            if let earlier = texts[text] { return earlier }
            texts[text] = number
            return nil
        case .uuid(let high, let low):
            if (uuidCount + 1) * 2 > slots.count { grow() }
            var index = home(high, low)
            while slots[index].number != Slot.empty {
                if slots[index].high == high && slots[index].low == low { return slots[index].number }
                index = (index &+ 1) & mask
            }
            slots[index] = Slot(high: high, low: low, number: number)
            uuidCount += 1
            return nil
        }
    }

    /// Forgets `key`'s number, if it has one.
    mutating func remove(_ key: SessionKey) {
        switch key {
        case .text(let text):
            texts[text] = nil
        case .uuid(let high, let low):
            var index = home(high, low)
            while true {
                if slots[index].number == Slot.empty { return }
                if slots[index].high == high && slots[index].low == low { break }
                index = (index &+ 1) & mask
            }
            // Backward shift: each entry after the hole that may live there (its home is not cyclically
            // after the hole and up to where it is) moves into it, and its place becomes the hole.
            var hole = index
            var next = index
            while true {
                next = (next &+ 1) & mask
                let slot = slots[next]
                if slot.number == Slot.empty { break }
                let wanted = home(slot.high, slot.low)
                let staysAfterHole =
                    hole <= next ? (hole < wanted && wanted <= next) : (hole < wanted || wanted <= next)
                if staysAfterHole { continue }
                slots[hole] = slot
                hole = next
            }
            slots[hole].number = Slot.empty
            uuidCount -= 1
        }
    }

    /// Forgets every number, and gives back the table's memory beyond its first size.
    mutating func removeAll() {
        slots.deallocate()
        let size = Self.size(for: 0)
        slots = .allocate(capacity: size)
        slots.initialize(repeating: Slot(high: 0, low: 0, number: Slot.empty))
        mask = size - 1
        uuidCount = 0
        texts = [:]
    }

    /// The slot a UUID's probe starts at: its bits mixed with the seed, the high bits of a product.
    @inline(__always)
    private func home(_ high: UInt64, _ low: UInt64) -> Int {
        let mixed = (high ^ seed.1) &* seed.0 ^ (low &+ seed.1) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: ((mixed ^ (mixed >> 29)) &* 0xBF58_476D_1CE4_E5B9) >> 16) & mask
    }

    /// Twice the slots, every entry placed again.
    private mutating func grow() {
        let old = slots
        slots = .allocate(capacity: old.count * 2)
        slots.initialize(repeating: Slot(high: 0, low: 0, number: Slot.empty))
        mask = slots.count - 1
        for slot in old where slot.number != Slot.empty {
            var index = home(slot.high, slot.low)
            while slots[index].number != Slot.empty { index = (index &+ 1) & mask }
            slots[index] = slot
        }
        old.deallocate()
    }

    /// A power of two at least twice `capacity`, and at least 16.
    private static func size(for capacity: Int) -> Int {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        return size
    }
}
