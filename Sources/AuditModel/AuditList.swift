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
    /// Findings that point at a place without saying which message is there (`Finding.needsPairing`):
    /// while there are none, report preparation need not pair findings with messages.
    public var unpaired = 0
    /// The distinct values the findings call sensitive, in the order they were first named, each with the
    /// rule of the finding that first named it: what `--redact` masks and fingerprints mask, known without
    /// reading the findings again.
    public private(set) var sensitiveValues: [SensitiveValue] = []
    private var namedSensitiveValues: Set<String> = []

    /// A value a finding calls sensitive, and the rule of the first finding that did (which tells its kind).
    public struct SensitiveValue: Sendable, Hashable {
        public var value: String
        public var rule: String
    }

    /// Notes the values a finding of `rule` calls sensitive.
    public mutating func noteSensitive(_ values: [String], rule: String) {
        for value in values where namedSensitiveValues.insert(value).inserted {
            sensitiveValues.append(SensitiveValue(value: value, rule: rule))
        }
    }

    public init() {}

    public func count(_ severity: Severity) -> Int { bySeverity[severity.ordinal] }

    public func baselined(_ severity: Severity) -> Int {
        baselinedBySeverity[severity.ordinal]
    }

    /// Findings in the `--baseline` report, whatever their severity.
    public var baselined: Int { baselinedBySeverity.reduce(0, +) }

    /// Counts one finding.
    public mutating func count(_ severity: Severity, baselined: Bool) {
        let index = severity.ordinal
        bySeverity[index] += 1
        if baselined { baselinedBySeverity[index] += 1 }
    }
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
    /// Where the records numbered 0, `RecordRuns.length`, twice that, ... begin in a spooled list as its
    /// builder wrote it (empty otherwise): where each of `recordRuns()` starts.
    var waypoints: [Int] = []
    /// Applied to each element as it is read, before `transform` (see `amended(by:count:tally:keeps:_:)`).
    var amendments: Amendments?
    /// Applied to each element as it is read (redaction); must keep what the tally counts.
    var transform: (@Sendable (Element) -> Element)?

    /// Whether the elements are read as they were listed (no transform such as redaction, no amendments):
    /// the tally then describes exactly what is read.
    public var readsAsListed: Bool { transform == nil && amendments == nil }

    /// A spool of one record per element, read in step with the elements: `amend` reads an element's record
    /// from the cursor and changes the element, or drops it (`false`); `keeps` reads it and only tells whether
    /// the element stays (for `parts`). Both return `nil` when the record is unreadable.
    struct Amendments: Sendable {
        var store: SpoolStore
        var amend: @Sendable (inout Element, SpoolCursor) -> Bool?
        var keeps: @Sendable (SpoolCursor) -> Bool?

        func cursor() -> SpoolCursor { SpoolCursor(store: store, start: 0, end: store.length, bufferSize: 16 * 1024) }
    }
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

    init(store: SpoolStore, start: Int, end: Int, count: Int, tally: AuditListTally, waypoints: [Int] = []) {
        self.storage = .spool(store, start: start, end: end)
        self.count = count
        self.tally = tally
        self.waypoints = waypoints
    }

    public var isEmpty: Bool { count == 0 }

    public var first: Element? {
        var iterator = makeIterator()
        return iterator.next()
    }

    /// The stores the list reads: its elements' spool and its amendments'.
    private var stores: [SpoolStore] {
        var stores: [SpoolStore] = []
        if case .spool(let store, _, _) = storage { stores.append(store) }
        if let amendments { stores.append(amendments.store) }
        return stores
    }

    /// Whether part of the list lives in a temporary file.
    public var isSpooledToFile: Bool { stores.contains { $0.usesFile } }

    /// Encoded bytes of the list held in memory (0 for an array).
    public var spooledBytesInMemory: Int { stores.reduce(0) { $0 + $1.bytesInMemory } }

    /// Why the list could not be kept on disk, when it could not.
    public var spoolNote: String? { stores.lazy.compactMap(\.note).first }

    /// The first failure to read the list back, if any: iteration stops there, so a writer that read it must
    /// check this before it trusts what it wrote.
    public var readFailure: SpoolError? { stores.lazy.compactMap(\.readFailure).first }

    /// This list read together with `amendments`, a spool of one record per element in the same order: an
    /// element whose amendment `keeps` is passed to `amend` with it and changed; the others are dropped.
    /// `count` and `tally` are those of the elements kept, which the caller counted while it wrote the
    /// amendments. A pass that adds a few facts to every element (report preparation's fingerprints) so
    /// writes the facts alone, not a second copy of the list.
    public func amended<Amendment: SpoolDecodable>(
        by amendments: SpoolStore, count: Int, tally: AuditListTally,
        keeps: @escaping @Sendable (Amendment) -> Bool, _ amend: @escaping @Sendable (inout Element, Amendment) -> Void
    ) -> AuditList {
        // Amendments apply to elements as stored: a list that already changes what it reads is copied first.
        var base = self
        if transform != nil || self.amendments != nil {
            var builder = AuditListBuilder<Element>()
            for element in self { builder.append(element) }
            base = builder.finish()
        }
        amendments.flush()
        base.amendments = Amendments(
            store: amendments,
            amend: { element, cursor in
                guard let amendment = cursor.next(Amendment.self) else { return nil }
                guard keeps(amendment) else { return false }
                amend(&element, amendment)
                return true
            },
            keeps: { cursor in cursor.next(Amendment.self).map(keeps) })
        base.count = count
        base.tally = tally
        return base
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

    /// Each element's `Part`, in order: a spooled list decodes it from the element's record, which spares
    /// decoding what a pass does not read (a message's part reads the front of its record and skips the
    /// rest); a list of elements in memory, or one
    /// that transforms what it reads, makes it with `part`. An amended list's parts are read as stored, of
    /// the elements its amendments keep: a part must hold nothing that amendments change.
    public func parts<Part: SpoolDecodable>(_ type: Part.Type, from part: @escaping (Element) -> Part) -> Parts<Part> {
        Parts(list: self, part: part)
    }

    /// Hands `body` a decoder of each element's record as stored, in order, for a writer that copies fields
    /// out of the records without making the elements; false, having read nothing, when the list does not
    /// read its records as they are (held in memory, transformed or amended).
    public func forEachRecord(_ body: (inout SpoolDecoder) throws(SpoolError) -> Void) -> Bool {
        guard case .spool(let store, let start, let end) = storage, transform == nil, amendments == nil else {
            return false
        }
        let records = SpoolCursor(store: store, start: start, end: end)
        for _ in 0..<count {
            guard records.nextRecord(body) else { break }
        }
        return true
    }

    /// The records as stored, cut into runs of `RecordRuns.length` (the last one shorter), each of which can
    /// be read on a thread of its own: for a writer that renders runs side by side and writes them in order.
    /// `nil` when `forEachRecord` would read nothing (the list held in memory, transformed or amended) or
    /// the list does not know where its runs begin (it was not made by a builder).
    public func recordRuns() -> [RecordRun]? {
        guard case .spool(let store, let start, let end) = storage, transform == nil, amendments == nil,
            start == 0, count > 0, waypoints.count == (count + RecordRuns.length - 1) / RecordRuns.length
        else { return nil }
        return waypoints.indices.map { index in
            RecordRun(
                store: store, start: waypoints[index],
                end: index + 1 < waypoints.count ? waypoints[index + 1] : end,
                count: Swift.min(RecordRuns.length, count - index * RecordRuns.length))
        }
    }

    /// For a writer that copies fields out of the spooled records without decoding the elements: calls
    /// `body` with the record of each element the list reads, in order, and the amendment read in step with
    /// it (`nil` on a list without amendments; `Amendment` must be the type the list was amended by, and
    /// `keeps` say whether it keeps its element). Returns `false`, calling nothing, when the list is not
    /// read from a spool as stored (elements in memory, or transformed as read): the caller then iterates the
    /// elements. A failure to read ends the list, as iteration does (the store remembers why).
    public func forEachRecord<Amendment: SpoolDecodable>(
        amendedBy: Amendment.Type, keeps: (Amendment) -> Bool,
        _ body: (inout SpoolDecoder, Amendment?) throws(SpoolError) -> Void
    ) -> Bool {
        guard case .spool(let store, let start, let end) = storage, transform == nil else { return false }
        let records = SpoolCursor(store: store, start: start, end: end)
        let amendmentCursor = amendments?.cursor()
        var remaining = count
        while remaining > 0 {
            var amendment: Amendment?
            if let amendmentCursor {
                guard let next = amendmentCursor.next(Amendment.self) else { break }
                amendment = next
            }
            if let amendment, !keeps(amendment) {
                guard records.nextRecord({ $0.skipRest() }) else { break }
                continue
            }
            guard records.nextRecord({ decoder throws(SpoolError) in try body(&decoder, amendment) }) else { break }
            remaining -= 1
        }
        return true
    }

    /// The list's element, by a name the nested sequences below (whose own `Element` is `Part`) can use.
    public typealias ListElement = Element

    /// See `parts(_:from:)`.
    public struct Parts<Part: SpoolDecodable>: Sequence {
        let list: AuditList
        let part: (ListElement) -> Part

        public func makeIterator() -> PartIterator<Part> { PartIterator(list: list, part: part) }
    }

    /// Inlinable where it is iterated, so that `Part` is known there: compiled in this module for any part,
    /// each `next` asked the runtime for `Part?`'s metadata (about 500 instructions a part, for every
    /// finding a sorted report writer reads).
    public struct PartIterator<Part: SpoolDecodable>: IteratorProtocol {
        @usableFromInline var elements: Iterator?
        @usableFromInline let cursor: SpoolCursor?
        @usableFromInline let amendments: (cursor: SpoolCursor, keeps: @Sendable (SpoolCursor) -> Bool?)?
        @usableFromInline let part: (ListElement) -> Part
        @usableFromInline var remaining: Int

        init(list: AuditList, part: @escaping (ListElement) -> Part) {
            self.part = part
            remaining = list.count
            if case .spool(let store, let start, let end) = list.storage, list.transform == nil {
                cursor = SpoolCursor(store: store, start: start, end: end)
                amendments = list.amendments.map { ($0.cursor(), $0.keeps) }
            } else {
                cursor = nil
                amendments = nil
                elements = list.makeIterator()
            }
        }

        @inlinable
        public mutating func next() -> Part? {
            guard let cursor else {
                guard let element = elements?.next() else { return nil }
                return part(element)
            }
            guard remaining > 0 else { return nil }
            while true {
                // Decoded here rather than by `cursor.next(Part.self)`, whose generic body is not inlinable.
                var read: Part?
                guard cursor.nextRecord({ decoder throws(SpoolError) in read = try Part(from: &decoder) }),
                    let next = read
                else { break }
                if let (amendmentCursor, keeps) = amendments {
                    // An unreadable amendment ends the list (its store remembers why).
                    guard let kept = keeps(amendmentCursor) else { break }
                    guard kept else { continue }
                }
                remaining -= 1
                return next
            }
            remaining = 0
            return nil
        }
    }

    public struct Iterator: IteratorProtocol {
        private enum Source {
            case array(IndexingIterator<[Element]>)
            case spool(SpoolCursor)
        }

        private var source: Source
        private var remaining: Int
        /// The amendments' cursor and how to apply them.
        private let amendments: (cursor: SpoolCursor, amend: @Sendable (inout Element, SpoolCursor) -> Bool?)?
        private let transform: (@Sendable (Element) -> Element)?

        init(_ list: AuditList) {
            remaining = list.count
            transform = list.transform
            switch list.storage {
            case .array(let array): source = .array(array.makeIterator())
            case .spool(let store, let start, let end):
                source = .spool(SpoolCursor(store: store, start: start, end: end))
            }
            amendments = list.amendments.map { ($0.cursor(), $0.amend) }
        }

        public mutating func next() -> Element? {
            guard remaining > 0 else { return nil }
            while var element = stored() {
                if let (cursor, amend) = amendments {
                    // An unreadable amendment ends the list (the store remembers why).
                    guard let kept = amend(&element, cursor) else { break }
                    guard kept else { continue }
                }
                remaining -= 1
                return transform.map { $0(element) } ?? element
            }
            remaining = 0
            return nil
        }

        /// The next element as stored.
        private mutating func stored() -> Element? {
            switch source {
            case .array(var iterator):
                let element = iterator.next()
                source = .array(iterator)
                return element
            case .spool(let cursor):
                return cursor.next(Element.self)
            }
        }
    }
}

/// Builds a spooled list: elements are encoded as they arrive and counted into the tally.
public struct AuditListBuilder<Element: AuditListElement> {
    private let store: SpoolStore
    /// Elements appended so far.
    public private(set) var count = 0
    private var tally = AuditListTally()
    /// Where every `RecordRuns.length`-th record begins (`AuditList.waypoints`).
    private var waypoints: [Int] = []

    public init(configuration: SpoolConfiguration = .init()) { store = SpoolStore(configuration: configuration) }

    /// Appends `element`; returns where its record's bytes begin in the store, for `patch`.
    @discardableResult
    public mutating func append(_ element: Element) -> Int {
        // A run begins at its first record's length, before the bytes `append` returns the offset of.
        if count % RecordRuns.length == 0 { waypoints.append(store.length) }
        let offset = store.append(record: element)
        count += 1
        Element.tally(element, into: &tally)
        return offset
    }

    /// Overwrites the front of a record appended earlier (at the offset its `append` returned) with bytes of
    /// the same length as those it replaces, which must leave the tally's counts as they were: completing an
    /// element after it was stored (`FoundSoFar`, for a message judged after it went to the report).
    public mutating func patch(at offset: Int, with bytes: [UInt8]) {
        store.patch(at: offset, with: bytes)
    }

    /// See `SpoolStore.refuseFileWritesForTesting`.
    package func refuseFileWritesForTesting() { store.refuseFileWritesForTesting() }

    /// The list of everything appended. The builder must not be used afterwards.
    public func finish() -> AuditList<Element> {
        store.flush()
        return AuditList(
            store: store, start: 0, end: store.length, count: count, tally: tally, waypoints: waypoints)
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

/// How spooled lists are cut into runs (`AuditList.recordRuns()`).
public enum RecordRuns {
    /// Records a run: enough that handing one to another thread costs nothing beside rendering it (a run
    /// of findings is about half a megabyte of JSON), few enough that the runs rendered ahead of the one
    /// being written stay a few megabytes, and that the two threads rendering a report's runs end together.
    public static let length = 1024
}

/// Consecutive records of a spooled list (`AuditList.recordRuns()`): `count` records from byte `start` to
/// `end` of `store`, read through a cursor of their own.
public struct RecordRun: Sendable {
    let store: SpoolStore
    let start: Int
    let end: Int
    /// Records in the run.
    public let count: Int

    /// Hands `body` a decoder of each record in order, as `AuditList.forEachRecord` does; a failure to read
    /// ends the run (the store remembers why).
    public func forEachRecord(_ body: (inout SpoolDecoder) throws(SpoolError) -> Void) {
        let records = SpoolCursor(store: store, start: start, end: end)
        for _ in 0..<count {
            guard records.nextRecord(body) else { break }
        }
    }
}
