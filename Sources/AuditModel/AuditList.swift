import Foundation
import Storage

/// What a list counts while it is built, so that a report knows its totals without reading its elements
/// again. Every count is unchanged by redaction, the only transform reports apply.
public struct AuditListTally: Sendable, Hashable {
    /// Messages that could not be decoded.
    public var unparsed = 0
    /// Every sighting of the messages (a message seen in a capture and in a log counts twice).
    public var observations = 0
    /// Findings by severity, indexed by `Severity.allCases` order (note, warning, error).
    public var bySeverity = [0, 0, 0]
    /// Of those, the findings in the `--baseline` report, by severity in the same order.
    public var baselinedBySeverity = [0, 0, 0]

    public init() {}

    public func count(_ severity: Severity) -> Int { bySeverity[Severity.allCases.firstIndex(of: severity)!] }

    public func baselined(_ severity: Severity) -> Int {
        baselinedBySeverity[Severity.allCases.firstIndex(of: severity)!]
    }

    /// Findings in the `--baseline` report, whatever their severity.
    public var baselined: Int { baselinedBySeverity.reduce(0, +) }
}

/// An element of a report list: it can be spooled, and says what it adds to the list's tally.
public protocol AuditListElement: Spoolable {
    static func tally(_ element: Self, into tally: inout AuditListTally)
}

/// The messages or findings of a report, in report order: an array, or a spool that re-reads them from a
/// temporary file as often as a writer needs, so a report of millions of findings is never all in memory.
/// Read it with `for ... in`; `count` and `tally` need no pass.
public struct AuditList<Element: AuditListElement>: Sequence, Sendable, ExpressibleByArrayLiteral {
    enum Storage: Sendable {
        case array([Element])
        case spool(SpoolStore, start: Int, end: Int)
    }

    var storage: Storage
    /// Applied to each element as it is read (redaction); must keep what the tally counts.
    var transform: (@Sendable (Element) -> Element)?
    public private(set) var count: Int
    public private(set) var tally: AuditListTally

    public init(_ elements: some Sequence<Element>) {
        let array = Array(elements)
        var tally = AuditListTally()
        for element in array { Element.tally(element, into: &tally) }
        self.storage = .array(array)
        self.count = array.count
        self.tally = tally
    }

    public init(arrayLiteral elements: Element...) { self.init(elements) }

    init(store: SpoolStore, start: Int, end: Int, count: Int, tally: AuditListTally) {
        self.storage = .spool(store, start: start, end: end)
        self.count = count
        self.tally = tally
    }

    public var isEmpty: Bool { count == 0 }

    public var first: Element? {
        var iterator = makeIterator()
        return iterator.next()
    }

    /// Whether part of the list lives in a temporary file.
    public var isSpooledToFile: Bool {
        if case .spool(let store, _, _) = storage { return store.usesFile }
        return false
    }

    /// Encoded bytes of the list held in memory (0 for an array).
    public var spooledBytesInMemory: Int {
        if case .spool(let store, _, _) = storage { return store.bytesInMemory }
        return 0
    }

    /// Why the list could not be kept on disk, when it could not.
    public var spoolNote: String? {
        if case .spool(let store, _, _) = storage { return store.note }
        return nil
    }

    /// The first failure to read the list back, if any: iteration stops there, so a writer that read it must
    /// check this before it trusts what it wrote.
    public var readFailure: SpoolError? {
        if case .spool(let store, _, _) = storage { return store.readFailure }
        return nil
    }

    /// The same list, each element passed through `transform` as it is read. `transform` must keep what the
    /// tally counts (`parsed`, `severity`).
    public func mapElements(_ transform: @escaping @Sendable (Element) -> Element) -> AuditList {
        var copy = self
        if let earlier = self.transform {
            copy.transform = { transform(earlier($0)) }
        } else {
            copy.transform = transform
        }
        return copy
    }

    /// Appends one element. A spooled list is copied into a new spool first (its store is shared by every
    /// copy of the list, and never written once built).
    public mutating func append(_ element: Element) {
        switch storage {
        case .array(var array) where transform == nil:
            storage = .array([])
            array.append(element)
            storage = .array(array)
            count += 1
            Element.tally(element, into: &tally)
        default:
            var builder = AuditListBuilder<Element>()
            for existing in self { builder.append(existing) }
            builder.append(element)
            self = builder.finish()
        }
    }

    public func makeIterator() -> Iterator { Iterator(self) }

    public struct Iterator: IteratorProtocol {
        private enum Source {
            case array(IndexingIterator<[Element]>)
            case spool(SpoolCursor)
        }

        private var source: Source
        private var remaining: Int
        private let transform: (@Sendable (Element) -> Element)?

        init(_ list: AuditList) {
            remaining = list.count
            transform = list.transform
            switch list.storage {
            case .array(let array): source = .array(array.makeIterator())
            case .spool(let store, let start, let end):
                source = .spool(SpoolCursor(store: store, start: start, end: end))
            }
        }

        public mutating func next() -> Element? {
            guard remaining > 0 else { return nil }
            remaining -= 1
            let element: Element?
            switch source {
            case .array(var iterator):
                element = iterator.next()
                source = .array(iterator)
            case .spool(let cursor):
                element = cursor.next(Element.self)
                if element == nil { remaining = 0 }
            }
            guard let element else { return nil }
            return transform.map { $0(element) } ?? element
        }
    }
}

/// Builds a spooled list: elements are encoded as they arrive and counted into the tally.
public struct AuditListBuilder<Element: AuditListElement> {
    private let store: SpoolStore
    /// Elements appended so far.
    public private(set) var count = 0
    private var tally = AuditListTally()

    public init(configuration: SpoolConfiguration = .init()) { store = SpoolStore(configuration: configuration) }

    public mutating func append(_ element: Element) {
        store.append(SpoolEncoder.record { element.encode(to: &$0) })
        count += 1
        Element.tally(element, into: &tally)
    }

    /// The list of everything appended. The builder must not be used afterwards.
    public func finish() -> AuditList<Element> {
        store.flush()
        return AuditList(store: store, start: 0, end: store.length, count: count, tally: tally)
    }
}

/// Two lists are equal when they read the same elements in the same order, wherever they are stored.
extension AuditList: Equatable where Element: Equatable {
    public static func == (lhs: AuditList, rhs: AuditList) -> Bool {
        lhs.count == rhs.count && lhs.elementsEqual(rhs)
    }
}

/// Prints as an array of the elements as read (transformed).
extension AuditList: CustomStringConvertible {
    public var description: String { Array(self).description }
}
