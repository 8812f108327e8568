import Synchronization

/// How many `Tracked` instances made in it are alive: tests of containers that move, keep and destroy their
/// elements see which destruction ran. One census per test, so that tests running side by side do not count
/// each other's instances.
public final class Census: Sendable {
    private let instances = Atomic<Int>(0)

    public init() {}

    public var alive: Int { instances.load(ordering: .relaxed) }

    fileprivate func count(_ change: Int) { instances.add(change, ordering: .relaxed) }
}

/// An instance counted in its census while it lives.
public final class Tracked: @unchecked Sendable {
    public var value: Int
    private let census: Census

    public init(_ value: Int, in census: Census) {
        self.value = value
        self.census = census
        census.count(1)
    }

    deinit { census.count(-1) }
}
