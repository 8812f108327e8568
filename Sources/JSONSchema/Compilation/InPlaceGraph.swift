/// The graph of in-place applicators: an edge from a schema to each subschema it applies to the same
/// instance (`allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`, `dependentSchemas`, `$ref`,
/// `$dynamicRef`'s static target). Only a cycle in it can make an evaluation re-enter a schema without
/// consuming the instance.
enum InPlaceGraph {
    /// The strongly connected component of every node reachable from `nodes`, numbered from 0: two nodes
    /// share a number exactly when each reaches the other.
    ///
    /// Tarjan's algorithm, in linear time, with an explicit stack of frames so that a reference chain of any
    /// length cannot overflow the native stack.
    static func components(of nodes: [SchemaNode]) -> [ObjectIdentifier: Int] {
        var discovery: [ObjectIdentifier: Int] = [:]
        var lowLink: [Int] = []
        var onStack: [Bool] = []
        var stack: [SchemaNode] = []
        var component: [ObjectIdentifier: Int] = [:]
        var components = 0
        // The nodes being visited, each with its successors and how many of them are done.
        var frames: [(node: SchemaNode, index: Int, successors: [SchemaNode], next: Int)] = []

        func discover(_ node: SchemaNode) {
            let index = lowLink.count
            discovery[ObjectIdentifier(node)] = index
            lowLink.append(index)
            onStack.append(true)
            stack.append(node)
            frames.append((node, index, node.keywords.flatMap(\.inPlaceSubschemas), 0))
        }

        for root in nodes where discovery[ObjectIdentifier(root)] == nil {
            discover(root)
            while let top = frames.indices.last {
                if frames[top].next < frames[top].successors.count {
                    let successor = frames[top].successors[frames[top].next]
                    frames[top].next += 1
                    if let seen = discovery[ObjectIdentifier(successor)] {
                        if onStack[seen] { lowLink[frames[top].index] = min(lowLink[frames[top].index], seen) }
                    } else {
                        discover(successor)
                    }
                    continue
                }
                let finished = frames.removeLast()
                if lowLink[finished.index] == finished.index {
                    while let member = stack.popLast() {
                        onStack[discovery[ObjectIdentifier(member)]!] = false
                        component[ObjectIdentifier(member)] = components
                        if member === finished.node { break }
                    }
                    components += 1
                }
                if let parent = frames.indices.last {
                    lowLink[frames[parent].index] = min(lowLink[frames[parent].index], lowLink[finished.index])
                }
            }
        }
        return component
    }
}
