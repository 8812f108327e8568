import TestSupport
import Testing

@testable import AuditRules

/// The ring that holds the open sessions and the ledger's messages: first in, first out across its wrap and
/// its growth, elements changed where they lie, and each destroyed exactly once.
@Suite("Ring", .serialized)
struct RingTests {
    struct Session {
        var counted: Tracked
        var name: String
    }

    static func session(_ number: Int, in census: Census = Census()) -> Session {
        Session(counted: Tracked(number, in: census), name: "session \(number)")
    }

    @Test func keepsArrivalOrderAcrossItsWrapAndItsGrowth() {
        var ring = Ring<Session>()
        ring.reserveCapacity(16)
        for number in 0..<12 { ring.append(Self.session(number)) }
        // The first ten leave: the next ones are laid from the storage's start, behind the two left.
        for number in 0..<10 { #expect(ring.removeFirst().counted.value == number) }
        for number in 12..<20 { ring.append(Self.session(number)) }
        #expect(ring.capacity == 16, "wrapped, not grown")
        #expect(ring.indices.map { ring[$0].counted.value } == Array(10..<20))
        // Growing while wrapped keeps the order.
        for number in 20..<40 { ring.append(Self.session(number)) }
        #expect(ring.capacity > 16)
        #expect(ring.count == 30)
        #expect(ring.indices.map { ring[$0].name } == (10..<40).map { "session \($0)" })
        #expect(ring.removeFirst().counted.value == 10)
        #expect(ring[0].counted.value == 11)
    }

    @Test func anElementIsChangedWhereItLies() {
        var ring = Ring<Session>()
        for number in 0..<3 { ring.append(Self.session(number)) }
        let second = ObjectIdentifier(ring[1].counted)
        ring[1].name += ", ended"
        ring[1].counted.value += 100
        #expect(ring[1].name == "session 1, ended" && ring[1].counted.value == 101)
        #expect(ObjectIdentifier(ring[1].counted) == second)
        #expect(isKnownUniquelyReferenced(&ring[1].counted), "moved in, no copy of it left anywhere")
    }

    @Test func eachElementIsDestroyedOnce() {
        let census = Census()
        do {
            var ring = Ring<Session>()
            for number in 0..<20 { ring.append(Self.session(number, in: census)) }
            _ = ring.removeFirst()
            #expect(census.alive == 19, "the one taken out is gone with its value")
            ring.removeAll()
            #expect(ring.isEmpty && ring.capacity == 0)
            #expect(census.alive == 0)
            for number in 0..<5 { ring.append(Self.session(number, in: census)) }
            for _ in 0..<3 { _ = ring.removeFirst() }
            for number in 5..<30 { ring.append(Self.session(number, in: census)) }
            #expect(census.alive == 27)
        }
        #expect(census.alive == 0, "the ring destroyed what was left in it")
    }
}
