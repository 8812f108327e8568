import JSONCore

/// Immutable compiled data that keywords can copy without reference counting.
///
/// A keyword is read in place, but Swift still copies its payload when it switches over the keyword, and
/// copying an array, a string or a class reference means atomic reference-count traffic: a third of the
/// validation time on one thread, and contention between threads sharing one schema. So the compiled data
/// keywords hold lives in objects the compiler's arena owns (kept alive by ``Schema``), and keywords hold
/// plain pointers to it.
struct FrozenArray<Element>: RandomAccessCollection {
    let buffer: UnsafeBufferPointer<Element>
    var startIndex: Int { 0 }
    var endIndex: Int { buffer.count }
    subscript(position: Int) -> Element { buffer[position] }
}

extension FrozenArray: @unchecked Sendable where Element: Sendable {}

/// Owns the memory of one ``FrozenArray``.
final class FrozenStorage<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ elements: [Element]) {
        buffer = .allocate(capacity: elements.count)
        _ = buffer.initialize(from: elements)
    }
    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }
}

/// A node reference that copies as a plain pointer, and calls into the node without retaining it (the
/// arena keeps every node alive): reference counts on nodes shared by threads would make them contend.
struct NodeRef: @unchecked Sendable {
    private let unmanaged: Unmanaged<SchemaNode>

    init(_ node: SchemaNode) { unmanaged = .passUnretained(node) }

    var node: SchemaNode { unmanaged.takeUnretainedValue() }

    @inline(__always)
    func evaluate(_ instance: JSONValue, _ e: inout Evaluation, _ evaluated: inout Evaluated?) -> Bool {
        unmanaged._withUnsafeGuaranteedRef { $0.evaluate(instance, &e, &evaluated) }
    }
}

/// A compiled JSON value (a `const`, a bound), held by pointer.
final class ValueBox: Sendable {
    let value: JSONValue
    init(_ value: JSONValue) { self.value = value }
}

extension Compiler {
    func freeze<Element>(_ elements: [Element]) -> FrozenArray<Element> {
        FrozenArray(buffer: UnsafeBufferPointer(keep(FrozenStorage(elements)).buffer))
    }
}

extension SchemaObjectSite {
    func freeze<Element>(_ elements: [Element]) -> FrozenArray<Element> { compiler.freeze(elements) }
    func freezeNodes(_ nodes: [SchemaNode]) -> FrozenArray<NodeRef> { compiler.freeze(nodes.map { NodeRef($0) }) }
    func box(_ value: JSONValue) -> ValueBox { compiler.keep(ValueBox(value)) }
}

/// A compiled regex reference that copies as a plain pointer.
struct RegexRef: Sendable {
    unowned(unsafe) let regex: ECMARegex
}
