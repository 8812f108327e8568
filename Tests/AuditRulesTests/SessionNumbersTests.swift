import TestSupport
import Testing

@testable import AuditRules

/// `SessionNumbers`, the session step's table of open sessions by correlator, answers as a dictionary does
/// through every mix of openings, lookups and removals, whatever the probe chains its hash makes.
@Suite struct SessionNumbersTests {
    /// Keys from a pool small enough that they come back: UUIDs, a few texts, and UUIDs that differ in one
    /// half only.
    static func key(_ pick: Int) -> SessionKey {
        switch pick % 10 {
        case 0: return .text("session-\(pick % 37)")
        case 1: return .uuid(42, UInt64(pick))
        case 2: return .uuid(UInt64(pick), 42)
        default: return .uuid(UInt64(pick) &* 0x1000_0001, ~UInt64(pick))
        }
    }

    @Test(arguments: [1, 2, 3, 4])
    func answersAsADictionaryDoes(seed: UInt64) {
        var generator = SplitMix64(seed: seed)  // deterministic, so that a failure replays
        var table = SessionNumbers()
        var model: [SessionKey: Int] = [:]
        for step in 0..<60_000 {
            let key = Self.key(Int.random(in: 0..<3_000, using: &generator))
            table.prefetch(key)  // a hint to the processor: it changes no answer
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<5:
                let earlier = table.insert(step, for: key)
                #expect(earlier == model[key])
                if model[key] == nil { model[key] = step }
            case 5..<8:
                table.remove(key)
                model[key] = nil
            default:
                #expect(table.number(of: key) == model[key])
            }
            #expect(table.count == model.count)
        }
        for pick in 0..<3_000 {
            #expect(table.number(of: Self.key(pick)) == model[Self.key(pick)])
        }
        table.removeAll()
        #expect(table.count == 0)
        #expect(table.number(of: Self.key(3)) == nil)
    }

    /// Growing from its smallest size keeps every number, and removals in any order leave the rest found.
    @Test func keepsEveryNumberThroughGrowthAndRemovals() {
        var table = SessionNumbers()
        let keys = (0..<5_000).map { SessionKey.uuid(UInt64($0) << 40, UInt64($0)) }
        for (number, key) in keys.enumerated() { #expect(table.insert(number, for: key) == nil) }
        #expect(table.count == keys.count)
        for (number, key) in keys.enumerated() where number % 3 == 0 { table.remove(key) }
        for (number, key) in keys.enumerated() {
            #expect(table.number(of: key) == (number % 3 == 0 ? nil : number))
        }
        // A key opened again after its removal gets its new number.
        #expect(table.insert(7, for: keys[0]) == nil)
        #expect(table.number(of: keys[0]) == 7)
    }
}
