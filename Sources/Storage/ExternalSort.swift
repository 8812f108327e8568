import HeapModule

/// An external merge sort with bounded memory: elements are sorted in chunks of
/// `SpoolConfiguration.sortChunk` in memory, each chunk is written as a run to a spool, and the runs are
/// merged, at most `mergeFanIn` at a time, while they are read. Small inputs never leave memory.
public struct ExternalSort<Key: Comparable & Spoolable, Element: Spoolable> {
    private let scratch: ScratchSpools
    private var chunk: [(key: Key, element: Element)] = []
    private var store: SpoolStore?
    private var runs: [Run] = []
    /// Whether every key so far came after the one before: reports add most elements in the order they
    /// are sorted by, and then nothing needs sorting or merging, only reading back in turn.
    private var arrivedInOrder = true
    private var lastKey: Key?

    struct Run {
        var store: SpoolStore
        var start: Int
        var end: Int
    }

    public init(scratch: ScratchSpools) { self.scratch = scratch }

    /// Adds an element; elements of equal keys come out in an unspecified order, so a stable sort puts the
    /// element's position in its key.
    public mutating func add(_ element: Element, key: Key) {
        if arrivedInOrder {
            if let lastKey, key < lastKey { arrivedInOrder = false }
            lastKey = key
        }
        chunk.append((key, element))
        if chunk.count >= scratch.configuration.sortChunk { writeRun() }
    }

    private mutating func writeRun() {
        if !arrivedInOrder { chunk.sort { $0.key < $1.key } }
        let store = self.store ?? scratch.makeStore()
        self.store = store
        let start = store.length
        for (key, element) in chunk { store.append { Keyed(key: key, element: element).encode(to: &$0) } }
        chunk.removeAll(keepingCapacity: true)
        runs.append(Run(store: store, start: start, end: store.length))
    }

    /// The sorter's `Element`, by a name its iterator's own `Element` (a key and an element) does not hide.
    typealias SortedElement = Element

    /// A run's record: the key, then the element.
    struct Keyed: Spoolable {
        var key: Key
        var element: Element

        init(key: Key, element: Element) {
            self.key = key
            self.element = element
        }

        func encode(to encoder: inout SpoolEncoder) {
            key.encode(to: &encoder)
            element.encode(to: &encoder)
        }

        init(from decoder: inout SpoolDecoder) throws(SpoolError) {
            key = try Key(from: &decoder)
            element = try Element(from: &decoder)
        }
    }

    /// The elements in key order. The sorter must not be used afterwards.
    public mutating func sorted() -> Sorted {
        if runs.isEmpty {
            if !arrivedInOrder { chunk.sort { $0.key < $1.key } }
            return Sorted(runs: [], inMemory: chunk)
        }
        if !chunk.isEmpty { writeRun() }
        store?.flush()
        // Runs of keys that arrived in order follow one another: read in turn, they are the sorted sequence.
        if arrivedInOrder { return Sorted(runs: runs, inMemory: [], consecutive: true) }
        // Merge groups of runs into longer runs until one merge can read them all at once.
        let fanIn = scratch.configuration.mergeFanIn
        while runs.count > fanIn {
            let merged = scratch.makeStore()
            var next: [Run] = []
            for group in stride(from: 0, to: runs.count, by: fanIn) {
                let start = merged.length
                var merge = Sorted(runs: Array(runs[group..<min(group + fanIn, runs.count)]), inMemory: [])
                    .makeIterator()
                while let (key, element) = merge.next() {
                    merged.append { Keyed(key: key, element: element).encode(to: &$0) }
                }
                next.append(Run(store: merged, start: start, end: merged.length))
            }
            merged.flush()
            runs = next
        }
        return Sorted(runs: runs, inMemory: [])
    }

    /// The sorted elements, read again from the runs each time they are iterated.
    public struct Sorted: Sequence {
        let runs: [Run]
        let inMemory: [(key: Key, element: Element)]
        /// The runs are in order one after the other (no run's keys overlap the next's): no merge is needed.
        var consecutive = false

        /// How many sorted runs a pass reads (0 when everything fit in memory).
        public var runCount: Int { runs.count }

        public func makeIterator() -> Iterator { Iterator(self) }

        /// Merges the runs through a heap of their current keys, or reads consecutive runs in turn. The heap
        /// holds keys and run numbers only; each run's current element waits in `current`, so sifting the
        /// heap never copies an element.
        public struct Iterator: IteratorProtocol {
            private var memory: IndexingIterator<[(key: Key, element: Element)]>
            private var cursors: [SpoolCursor] = []
            private var current: [Element?] = []
            private var heads: Heap<Head> = []
            private let consecutive: Bool
            private var currentRun = 0

            /// A run's current key, ordered by it.
            private struct Head: Comparable {
                var key: Key
                var run: Int
                static func < (lhs: Head, rhs: Head) -> Bool { lhs.key < rhs.key }
                static func == (lhs: Head, rhs: Head) -> Bool { lhs.key == rhs.key }
            }

            init(_ sorted: Sorted) {
                memory = sorted.inMemory.makeIterator()
                consecutive = sorted.consecutive
                for run in sorted.runs {
                    cursors.append(SpoolCursor(store: run.store, start: run.start, end: run.end, bufferSize: 16 * 1024))
                    current.append(nil)
                    if !consecutive { advance(cursors.count - 1) }
                }
            }

            private mutating func advance(_ run: Int) {
                if let next = Self.next(from: cursors[run]) {
                    current[run] = next.element
                    heads.insert(Head(key: next.key, run: run))
                }
            }

            /// A run's next key and element, decoded where this iterator is specialized. Not through
            /// `cursor.next(Keyed.self)`: that called `Keyed`'s initializer through its generic conformance,
            /// unspecialized, which looked up `Keyed`'s metadata for every element (about 320 instructions,
            /// and twice that in a build where the runtime's table probed longer).
            private static func next(from cursor: SpoolCursor) -> (key: Key, element: SortedElement)? {
                var read: (key: Key, element: SortedElement)?
                guard
                    cursor.nextRecord({ decoder throws(SpoolError) in
                        let key = try Key(from: &decoder)
                        read = (key, try SortedElement(from: &decoder))
                    })
                else { return nil }
                return read
            }

            public mutating func next() -> (key: Key, element: Element)? {
                if cursors.isEmpty { return memory.next() }
                if consecutive {
                    while currentRun < cursors.count {
                        if let next = Self.next(from: cursors[currentRun]) { return next }
                        currentRun += 1
                    }
                    return nil
                }
                guard let head = heads.popMin(), let element = current[head.run].take() else { return nil }
                advance(head.run)
                return (head.key, element)
            }
        }
    }
}
