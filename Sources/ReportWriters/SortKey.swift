import AuditModel
import Storage

/// How report writers sort with `ExternalSort`: each by a key of its own, whose fields name what it sorts by.
typealias ReportSort<Key: ReportSortKey, Element: Spoolable> = ExternalSort<Key, Element>

/// A report writer's sort key: up to four whole numbers compared in order, then `sequence` (the element's
/// position in the list it came from), which makes every sort stable and every key distinct. Each key names
/// its fields; this protocol gives all of them one comparison and one spool encoding.
protocol ReportSortKey: Comparable, Spoolable {
    /// The fields in the order they are compared; a key with fewer fills the rest with 0.
    var ordered: (Int, Int, Int, Int) { get }
    var sequence: Int { get }
    init(ordered: (Int, Int, Int, Int), sequence: Int)
}

extension ReportSortKey {
    static func < (lhs: Self, rhs: Self) -> Bool {
        let (l, r) = (lhs.ordered, rhs.ordered)
        if l.0 != r.0 { return l.0 < r.0 }
        if l.1 != r.1 { return l.1 < r.1 }
        if l.2 != r.2 { return l.2 < r.2 }
        if l.3 != r.3 { return l.3 < r.3 }
        return lhs.sequence < rhs.sequence
    }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.ordered == rhs.ordered && lhs.sequence == rhs.sequence }

    func encode(to encoder: inout SpoolEncoder) {
        let fields = ordered
        encoder.write(fields.0)
        encoder.write(fields.1)
        encoder.write(fields.2)
        encoder.write(fields.3)
        encoder.write(sequence)
    }

    init(from decoder: inout SpoolDecoder) throws(SpoolError) {
        let fields = (try decoder.readInt(), try decoder.readInt(), try decoder.readInt(), try decoder.readInt())
        self.init(ordered: fields, sequence: try decoder.readInt())
    }
}

/// Report order: by a position in the report's lists, then `sequence`. SARIF sorts each finding's message
/// facts back to the finding's position; report preparation sorts by finding or message position.
struct PositionKey: ReportSortKey {
    var position: Int
    var sequence: Int

    init(position: Int, sequence: Int) {
        self.position = position
        self.sequence = sequence
    }

    var ordered: (Int, Int, Int, Int) { (position, 0, 0, 0) }
    init(ordered: (Int, Int, Int, Int), sequence: Int) { self.init(position: ordered.0, sequence: sequence) }
}

/// Place order: by input (its ordinal among the report's sources), then by locator (kind, then number; none
/// first), then `sequence`. How messages are matched to the findings that point at them, and how the text
/// report lists findings.
struct PlaceKey: ReportSortKey {
    var source: Int
    var locatorKind: Int
    var locatorNumber: Int
    var sequence: Int

    init(source: Int, locator: Locator?, sequence: Int) {
        self.source = source
        (locatorKind, locatorNumber) = Self.fields(locator)
        self.sequence = sequence
    }

    var ordered: (Int, Int, Int, Int) { (source, locatorKind, locatorNumber, 0) }

    init(ordered: (Int, Int, Int, Int), sequence: Int) {
        source = ordered.0
        locatorKind = ordered.1
        locatorNumber = ordered.2
        self.sequence = sequence
    }

    /// A locator as two fields, ordered as `Locator` orders them (by kind name, then number); no locator (a
    /// finding about a whole input) sorts first.
    static func fields(_ locator: Locator?) -> (kind: Int, number: Int) {
        guard let locator else { return (-1, 0) }
        switch locator {
        case .line(let number): return (0, number)
        case .packet(let number): return (1, number)
        case .record(let number): return (2, number)
        }
    }

    /// Same input and locator.
    func samePlace(_ other: PlaceKey) -> Bool {
        source == other.source && locatorKind == other.locatorKind && locatorNumber == other.locatorNumber
    }

    /// Whether a message at this key comes before a finding at `finding` in `MessageMatch`'s merge: every
    /// message of the finding's place, and of any earlier place, does.
    func placeOrder(before finding: PlaceKey) -> Bool { samePlace(finding) || self < finding }
}
