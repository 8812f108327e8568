/// A first-in, first-out ring of elements in one allocation: elements are moved in and out, and read and
/// changed where they lie. The session step's open sessions and the observation ledger's held messages,
/// whose elements hold a dozen strings that the auditing thread made: swift-collections' `Deque` copied each
/// new element once more on its way into storage, and copied a whole session out for a field read where the
/// optimizer could not see through its getter (the pair rules' reads), a reference counted up and down for
/// each string, each count taking a cache line from the other processor when the two do not share a cache.
struct Ring<Element>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int
    /// Where the first element lies.
    private var head = 0
    private(set) var count = 0

    init() {
        base = .allocate(capacity: 0)
        capacity = 0
    }

    deinit {
        deinitializeElements()
        base.deallocate()
    }

    var isEmpty: Bool { count == 0 }
    var indices: Range<Int> { 0..<count }

    /// The element `index` places after the first.
    subscript(index: Int) -> Element {
        unsafeAddress {
            precondition(index >= 0 && index < count, "a ring index within the ring")
            return UnsafePointer(base + slot(index))
        }
        unsafeMutableAddress {
            precondition(index >= 0 && index < count, "a ring index within the ring")
            return base + slot(index)
        }
    }

    /// Room for `minimumCapacity` elements, so that filling the ring that far moves none.
    mutating func reserveCapacity(_ minimumCapacity: Int) {
        if minimumCapacity > capacity { moveElements(toCapacity: minimumCapacity) }
    }

    mutating func append(_ element: consuming Element) {
        if count == capacity { moveElements(toCapacity: Swift.max(16, capacity * 2)) }
        (base + slot(count)).initialize(to: element)
        count += 1
    }

    /// Moves the first element out.
    mutating func removeFirst() -> Element {
        precondition(count > 0, "removeFirst of an empty ring")
        let first = (base + head).move()
        head = head + 1 == capacity ? 0 : head + 1
        count -= 1
        return first
    }

    /// Drops every element and the storage.
    mutating func removeAll() {
        deinitializeElements()
        base.deallocate()
        base = .allocate(capacity: 0)
        (capacity, head, count) = (0, 0, 0)
    }

    /// Destroys every element where it lies; the caller forgets them.
    private func deinitializeElements() {
        let firstPart = Swift.min(count, capacity - head)
        (base + head).deinitialize(count: firstPart)
        base.deinitialize(count: count - firstPart)
    }

    /// The storage index of the element `index` places after the first.
    private func slot(_ index: Int) -> Int {
        let slot = head + index
        return slot >= capacity ? slot - capacity : slot
    }

    /// Moves the elements, in order, to new storage of `newCapacity`.
    private mutating func moveElements(toCapacity newCapacity: Int) {
        let moved = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        let firstPart = Swift.min(count, capacity - head)
        moved.moveInitialize(from: base + head, count: firstPart)
        (moved + firstPart).moveInitialize(from: base, count: count - firstPart)
        base.deallocate()
        base = moved
        capacity = newCapacity
        head = 0
    }
}
