#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension FastJSONReader {
    /// What the fast reader keeps per thread from one document to the next, so that reading a usage message
    /// allocates little beyond what its value holds.
    ///
    /// - Interned strings. A stream of usage messages repeats its keys and most of its values (versions,
    ///   platform, component class names) message after message. A string read again is the `String` made
    ///   the first time: a digest and a `memcmp` instead of a UTF-8 check, an allocation and, later, a
    ///   deallocation. Direct-mapped like `StringVerdictMemo` (a string has one slot, a newer one takes it
    ///   over), compared by exact bytes, bounded: `slotCount` strings of at most `longestInterned` bytes a
    ///   thread, whatever the input.
    /// - The digests of the keys of the objects being read, for the duplicate-key check: a new key is
    ///   compared byte for byte only with the earlier keys of its object that share its digest. The reader
    ///   borrows the stack for one document and gives it back, so its capacity is reused.
    final class Scratch {
        /// Computed, not stored: a stored `static let` is read through a lazy initializer on every access.
        static var slotCount: Int { 512 }
        static var longestInterned: Int { 64 }
        /// Past this many, a borrowed digest stack is dropped rather than kept (a hostile document's).
        static var largestKeptDigestStack: Int { 4_096 }

        private struct Slot {
            var digest: UInt64 = 0
            var length = -1
        }

        private let slots: UnsafeMutableBufferPointer<Slot>
        private let strings: UnsafeMutablePointer<String>
        private let bytes: UnsafeMutableBufferPointer<UInt8>
        private var keyDigests: [UInt64] = []

        init() {
            slots = .allocate(capacity: Self.slotCount)
            slots.initialize(repeating: Slot())
            strings = .allocate(capacity: Self.slotCount)
            strings.initialize(repeating: "", count: Self.slotCount)
            bytes = .allocate(capacity: Self.slotCount * Self.longestInterned)
            bytes.initialize(repeating: 0)
        }

        deinit {
            slots.deallocate()
            strings.deinitialize(count: Self.slotCount)
            strings.deallocate()
            bytes.deallocate()
        }

        private static let perThread = PerThread { Scratch() }

        /// This thread's scratch.
        static func forThisThread() -> Scratch { perThread.object }

        /// The digest a string's bytes are interned and compared under.
        @inline(__always)
        static func digest(_ raw: UnsafeBufferPointer<UInt8>) -> UInt64 {
            ByteDigest.of(UnsafeRawBufferPointer(raw), seed: 0x243F_6A88_85A3_08D3)
        }

        /// The string of `raw` (digest `digest`; the reader passes valid UTF-8, other callers may not: the
        /// string is always `String(decoding: raw, as: UTF8.self)`): the one interned for these exact bytes,
        /// or a new one, interned when short enough.
        @inline(__always)
        func string(_ raw: UnsafeBufferPointer<UInt8>, digest: UInt64) -> String {
            // A UUID (a message's correlator) is unique by design: interned, it would only push out a string
            // that comes back, and cost a copy into the slot and the release of the string it replaces.
            guard raw.count <= Self.longestInterned, !StringBytes.isUUIDShaped(raw) else {
                return String(decoding: raw, as: UTF8.self)
            }
            let index = Int(truncatingIfNeeded: digest) & (Self.slotCount - 1)
            let stored = bytes.baseAddress! + index * Self.longestInterned
            let slot = slots[index]
            if slot.digest == digest, slot.length == raw.count,
                raw.isEmpty || memcmp(stored, raw.baseAddress!, raw.count) == 0
            {
                return strings[index]
            }
            let made = String(decoding: raw, as: UTF8.self)
            if let base = raw.baseAddress { stored.update(from: base, count: raw.count) }
            slots[index] = Slot(digest: digest, length: raw.count)
            strings[index] = made
            return made
        }

        /// The key-digest stack, empty, lent for one document.
        func borrowKeyDigests() -> [UInt64] {
            var lent: [UInt64] = []
            swap(&lent, &keyDigests)
            lent.removeAll(keepingCapacity: true)
            return lent
        }

        /// Takes the stack back after a document (kept only when its capacity is modest).
        func giveBack(_ stack: [UInt64]) {
            if stack.capacity <= Self.largestKeptDigestStack { keyDigests = stack }
        }
    }
}
