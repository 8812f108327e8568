import TestSupport
import Testing

@testable import AuditRules

/// The slots the auditing threads write verdicts into and the session step completes them in: each result is
/// changed where it lies, destroyed exactly once (when discarded, or with the slots), never copied out.
@Suite("Result slots", .serialized)
struct ResultSlotsTests {
    struct Verdict {
        var tracked: Tracked
        var notes: [String]
    }

    @Test func aResultIsChangedWhereItLiesAndDiscardedOnce() {
        let census = Census()
        do {
            let slots = ResultSlots<Verdict>(count: 3)
            for index in 0..<3 { slots.store(Verdict(tracked: Tracked(index, in: census), notes: []), at: index) }
            let first = ObjectIdentifier(slots[0].tracked)
            slots[0].notes.append("completed")
            slots[0].tracked.value += 10
            #expect(slots[0].notes == ["completed"])
            #expect(ObjectIdentifier(slots[0].tracked) == first, "changed in place, not replaced by a copy")
            #expect(slots[0].tracked.value == 10)
            slots.discard(at: 0)
            #expect(census.alive == 2, "the discarded one is destroyed at once")
        }
        #expect(census.alive == 0, "the slots destroyed the two left in them")
    }

    @Test("a result made in its slot is the one there, and destroyed once with the slots")
    func aResultIsMadeInItsSlot() {
        let census = Census()
        do {
            let slots = ResultSlots<Verdict>(count: 2)
            var madeAt: UnsafeMutablePointer<Verdict>?
            slots.initialize(at: 1) { slot in
                madeAt = slot
                slot.initialize(to: Verdict(tracked: Tracked(7, in: census), notes: ["made here"]))
            }
            #expect(slots[1].tracked.value == 7)
            #expect(slots[1].notes == ["made here"])
            withUnsafePointer(to: &slots[1]) { #expect(UnsafeMutablePointer(mutating: $0) == madeAt) }
            #expect(census.alive == 1)
        }
        #expect(census.alive == 0, "the one made in its slot was destroyed")
    }

    @Test func takeMovesEveryResultOutInIndexOrder() {
        let census = Census()
        let slots = ResultSlots<Verdict>(count: 4)
        for index in [2, 0, 3, 1] {
            slots.store(Verdict(tracked: Tracked(index, in: census), notes: ["\(index)"]), at: index)
        }
        let taken = slots.take()
        #expect(taken.map(\.tracked.value) == [0, 1, 2, 3])
        #expect(taken.map(\.notes) == [["0"], ["1"], ["2"], ["3"]])
    }

    @Test func slotsNeverFilledAreNotDestroyed() {
        let census = Census()
        do {
            let slots = ResultSlots<Verdict>(count: 5)
            slots.store(Verdict(tracked: Tracked(1, in: census), notes: []), at: 3)
        }
        #expect(census.alive == 0)
    }
}
