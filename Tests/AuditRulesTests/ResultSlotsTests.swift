import Synchronization
import Testing

@testable import AuditRules

/// The slots the auditing threads write verdicts into and the session step completes them in: each result is
/// changed where it lies, destroyed exactly once (when discarded, or with the slots), never copied out.
@Suite("Result slots", .serialized)
struct ResultSlotsTests {
    /// Counts the instances alive, to see which destruction ran.
    final class Tracked: @unchecked Sendable {
        static let alive = Atomic<Int>(0)
        var value: Int
        init(_ value: Int) {
            self.value = value
            Self.alive.add(1, ordering: .relaxed)
        }
        deinit { Self.alive.subtract(1, ordering: .relaxed) }
    }

    struct Verdict {
        var tracked: Tracked
        var notes: [String]
    }

    @Test func aResultIsChangedWhereItLiesAndDiscardedOnce() {
        let before = Tracked.alive.load(ordering: .relaxed)
        do {
            let slots = ResultSlots<Verdict>(count: 3)
            for index in 0..<3 { slots.store(Verdict(tracked: Tracked(index), notes: []), at: index) }
            let first = ObjectIdentifier(slots[0].tracked)
            slots[0].notes.append("completed")
            slots[0].tracked.value += 10
            #expect(slots[0].notes == ["completed"])
            #expect(ObjectIdentifier(slots[0].tracked) == first, "changed in place, not replaced by a copy")
            #expect(slots[0].tracked.value == 10)
            slots.discard(at: 0)
            #expect(Tracked.alive.load(ordering: .relaxed) == before + 2, "the discarded one is destroyed at once")
        }
        #expect(Tracked.alive.load(ordering: .relaxed) == before, "the slots destroyed the two left in them")
    }

    @Test("a result made in its slot is the one there, and destroyed once with the slots")
    func aResultIsMadeInItsSlot() {
        let before = Tracked.alive.load(ordering: .relaxed)
        do {
            let slots = ResultSlots<Verdict>(count: 2)
            var madeAt: UnsafeMutablePointer<Verdict>?
            slots.initialize(at: 1) { slot in
                madeAt = slot
                slot.initialize(to: Verdict(tracked: Tracked(7), notes: ["made here"]))
            }
            #expect(slots[1].tracked.value == 7)
            #expect(slots[1].notes == ["made here"])
            withUnsafePointer(to: &slots[1]) { #expect(UnsafeMutablePointer(mutating: $0) == madeAt) }
            #expect(Tracked.alive.load(ordering: .relaxed) == before + 1)
        }
        #expect(Tracked.alive.load(ordering: .relaxed) == before, "the one made in its slot was destroyed")
    }

    @Test func takeMovesEveryResultOutInIndexOrder() {
        let slots = ResultSlots<Verdict>(count: 4)
        for index in [2, 0, 3, 1] { slots.store(Verdict(tracked: Tracked(index), notes: ["\(index)"]), at: index) }
        let taken = slots.take()
        #expect(taken.map(\.tracked.value) == [0, 1, 2, 3])
        #expect(taken.map(\.notes) == [["0"], ["1"], ["2"], ["3"]])
    }

    @Test func slotsNeverFilledAreNotDestroyed() {
        let before = Tracked.alive.load(ordering: .relaxed)
        do {
            let slots = ResultSlots<Verdict>(count: 5)
            slots.store(Verdict(tracked: Tracked(1), notes: []), at: 3)
        }
        #expect(Tracked.alive.load(ordering: .relaxed) == before)
    }
}
