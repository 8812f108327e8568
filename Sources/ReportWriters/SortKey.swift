import AuditModel
import Storage

/// How report writers sort with `ExternalSort`: by `SortKey`.
typealias ReportSort<Element: Spoolable> = ExternalSort<SortKey, Element>

/// A sort key: four fields compared in order, then `sequence` (the element's position in the list it came
/// from), which makes every sort stable and every key distinct.
struct SortKey: Comparable, Spoolable {
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

