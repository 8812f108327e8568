import AuditModel

/// A sort key: four fields compared in order, then `sequence` (the element's position in the list it came
/// from), which makes every sort stable and every key distinct.
struct SortKey: Comparable {
    var a: Int
    var b: Int = 0
    var c: Int = 0
    var d: Int = 0
    var sequence: Int

    static func < (lhs: SortKey, rhs: SortKey) -> Bool {
        if lhs.a != rhs.a { return lhs.a < rhs.a }
        if lhs.b != rhs.b { return lhs.b < rhs.b }
        if lhs.c != rhs.c { return lhs.c < rhs.c }
        if lhs.d != rhs.d { return lhs.d < rhs.d }
        return lhs.sequence < rhs.sequence
    }

    func encode(to encoder: inout SpoolEncoder) {
        encoder.write(a)
        encoder.write(b)
        encoder.write(c)
        encoder.write(d)
        encoder.write(sequence)
    }

    init(a: Int, b: Int = 0, c: Int = 0, d: Int = 0, sequence: Int) {
        self.a = a
        self.b = b
        self.c = c
        self.d = d
        self.sequence = sequence
    }

    init(from decoder: inout SpoolDecoder) throws(SpoolError) {
        a = try decoder.readInt()
        b = try decoder.readInt()
        c = try decoder.readInt()
        d = try decoder.readInt()
        sequence = try decoder.readInt()
    }

    /// A locator as two key fields, ordered as `Locator` orders them (by kind name, then number); no
    /// locator (a finding about a whole input) sorts first.
    static func fields(_ locator: Locator?) -> (Int, Int) {
        guard let locator else { return (-1, 0) }
        switch locator {
        case .line(let number): return (0, number)
        case .packet(let number): return (1, number)
        case .record(let number): return (2, number)
        }
    }
}

/// An external merge sort with bounded memory: elements are sorted in chunks of
/// `SpoolConfiguration.sortChunk` in memory, each chunk is written as a run to a spool, and the runs are
/// merged, at most `mergeFanIn` at a time, while they are read. Small inputs never leave memory.
struct ExternalSort<Element: Spoolable> {
    private let scratch: ScratchSpools
    private var chunk: [(key: SortKey, element: Element)] = []
    private var store: SpoolStore?
    private var runs: [Run] = []

    struct Run {
        var store: SpoolStore
        var start: Int
        var end: Int
    }

    init(scratch: ScratchSpools) { self.scratch = scratch }

    mutating func add(_ element: Element, key: SortKey) {
        chunk.append((key, element))
        if chunk.count >= scratch.configuration.sortChunk { writeRun() }
    }

    private mutating func writeRun() {
        chunk.sort { $0.key < $1.key }
        let store = self.store ?? scratch.makeStore()
        self.store = store
        let start = store.length
        for (key, element) in chunk { store.append(Self.record(key, element)) }
        chunk.removeAll(keepingCapacity: true)
        runs.append(Run(store: store, start: start, end: store.length))
    }

    private static func record(_ key: SortKey, _ element: Element) -> [UInt8] {
        SpoolEncoder.record { Keyed(key: key, element: element).encode(to: &$0) }
    }

    /// A run's record: the key, then the element.
    struct Keyed: Spoolable {
        var key: SortKey
        var element: Element

        init(key: SortKey, element: Element) {
            self.key = key
            self.element = element
        }

        func encode(to encoder: inout SpoolEncoder) {
            key.encode(to: &encoder)
            element.encode(to: &encoder)
        }

        init(from decoder: inout SpoolDecoder) throws(SpoolError) {
            key = try SortKey(from: &decoder)
            element = try Element(from: &decoder)
        }
    }

    /// The elements in key order. The sorter must not be used afterwards.
    mutating func sorted() -> Sorted {
        if runs.isEmpty {
            chunk.sort { $0.key < $1.key }
            return Sorted(runs: [], inMemory: chunk)
        }
        if !chunk.isEmpty { writeRun() }
        store?.flush()
        // Merge groups of runs into longer runs until one merge can read them all at once.
        let fanIn = scratch.configuration.mergeFanIn
        while runs.count > fanIn {
            let merged = scratch.makeStore()
            var next: [Run] = []
            for group in stride(from: 0, to: runs.count, by: fanIn) {
                let start = merged.length
                var merge = Sorted(runs: Array(runs[group..<min(group + fanIn, runs.count)]), inMemory: [])
                    .makeIterator()
                while let (key, element) = merge.next() { merged.append(Self.record(key, element)) }
                next.append(Run(store: merged, start: start, end: merged.length))
            }
            merged.flush()
            runs = next
        }
        return Sorted(runs: runs, inMemory: [])
    }

    /// The sorted elements, read again from the runs each time they are iterated.
    struct Sorted: Sequence {
        let runs: [Run]
        let inMemory: [(key: SortKey, element: Element)]

        func makeIterator() -> Iterator { Iterator(self) }

        struct Iterator: IteratorProtocol {
            private var memory: IndexingIterator<[(key: SortKey, element: Element)]>
            private var cursors: [Cursor] = []
            /// Indices into `cursors`, a binary min-heap on each cursor's current key.
            private var heap: [Int] = []

            private final class Cursor {
                let cursor: SpoolCursor
                var current: (key: SortKey, element: Element)?

                init(_ run: Run) {
                    cursor = SpoolCursor(store: run.store, start: run.start, end: run.end, bufferSize: 16 * 1024)
                    advance()
                }

                func advance() {
                    current = cursor.next(Keyed.self).map { ($0.key, $0.element) }
                }
            }

            init(_ sorted: Sorted) {
                memory = sorted.inMemory.makeIterator()
                for run in sorted.runs {
                    let cursor = Cursor(run)
                    if cursor.current != nil {
                        cursors.append(cursor)
                        heap.append(cursors.count - 1)
                        siftUp(heap.count - 1)
                    }
                }
            }

            mutating func next() -> (key: SortKey, element: Element)? {
                if cursors.isEmpty { return memory.next() }
                guard let top = heap.first, let value = cursors[top].current else { return nil }
                cursors[top].advance()
                if cursors[top].current == nil {
                    heap[0] = heap[heap.count - 1]
                    heap.removeLast()
                }
                if !heap.isEmpty { siftDown(0) }
                return value
            }

            private func less(_ i: Int, _ j: Int) -> Bool {
                cursors[heap[i]].current!.key < cursors[heap[j]].current!.key
            }

            private mutating func siftUp(_ index: Int) {
                var child = index
                while child > 0 {
                    let parent = (child - 1) / 2
                    guard less(child, parent) else { return }
                    heap.swapAt(child, parent)
                    child = parent
                }
            }

            private mutating func siftDown(_ index: Int) {
                var parent = index
                while true {
                    let left = parent * 2 + 1, right = left + 1
                    var smallest = parent
                    if left < heap.count && less(left, smallest) { smallest = left }
                    if right < heap.count && less(right, smallest) { smallest = right }
                    guard smallest != parent else { return }
                    heap.swapAt(parent, smallest)
                    parent = smallest
                }
            }
        }
    }
}
