import AuditModel
import JSONCore

/// Derives the disclosure matrix (field x message x level) from the schemas alone: for every message
/// schema, its fields with what they disclose and the lowest level at which they may appear, and the levels
/// at which the message itself is sent (`trackingLevel` of its documents).
public enum DisclosureMatrixBuilder {
    public static func matrix(of schemas: ParslSchemaSet) -> DisclosureMatrix {
        var rows: [DisclosureMatrix.Row] = []
        let shapes = schemas.messageSchemas.filter { $0.trackingLevel == nil || $0.messageKind == .end }
        // Newest generation first; within one, the start message before the end message.
        let ordered = shapes.enumerated().sorted { a, b in
            let (ga, gb) = (a.element.generations.max() ?? "", b.element.generations.max() ?? "")
            if ga != gb { return ga > gb }
            if a.element.messageKind != b.element.messageKind { return a.element.messageKind == .start }
            return a.offset < b.offset
        }.map(\.element)
        for document in ordered {
            guard let kind = document.messageKind, let tree = schemas.annotationTrees[document.id] else { continue }
            let messageLevels = schemas.levels(of: kind, generations: document.generations)
            let lowestMessageLevel = messageLevels.min() ?? 1
            for field in fields(of: tree) {
                let minimum = field.node.map { effective($0) }
                let floor = minimum?.discloses == .forbidden ? nil : max(minimum?.minimumLevel ?? 1, lowestMessageLevel)
                rows.append(DisclosureMatrix.Row(
                    field: field.name, message: kind.rawValue,
                    discloses: minimum?.discloses?.rawValue ?? "basic", minimumLevel: floor,
                    generations: field.node.map { ParslSchemaSet.generations(of: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? document.generations))
            }
        }
        return DisclosureMatrix(rows: rows)
    }

    /// The top-level fields of a message schema in schema order, then the fields of component objects
    /// (as `components[].name`), which carry configuration and execution detail of their own.
    static func fields(of tree: AnnotationNode) -> [(name: String, node: AnnotationNode?)] {
        var result: [(String, AnnotationNode?)] = []
        var seen = Set<String>()
        var queue: [AnnotationNode] = [tree]
        var visited = Set<ObjectIdentifier>()
        while !queue.isEmpty {
            let node = queue.removeFirst()
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            for key in node.propertyOrder where seen.insert(key).inserted {
                result.append((key, ParslSchemaSet.property(key, in: tree)))
            }
            queue += node.conjuncts
        }
        for (name, node) in result {
            guard let node, let list = listItems(node) else { continue }
            for (member, child) in componentFields(list) where seen.insert("\(name)[].\(member)").inserted {
                result.append(("\(name)[].\(member)", child))
            }
        }
        return result
    }

    /// The annotations of a field once its `$ref`s are followed (the nearest one wins).
    static func effective(_ node: AnnotationNode) -> (discloses: Disclosure?, minimumLevel: Int?) {
        var discloses = node.discloses, minimum = node.minimumLevel
        var queue = node.conjuncts
        var visited = Set<ObjectIdentifier>()
        while !queue.isEmpty, discloses == nil || minimum == nil {
            let next = queue.removeFirst()
            guard visited.insert(ObjectIdentifier(next)).inserted else { continue }
            discloses = discloses ?? next.discloses
            minimum = minimum ?? next.minimumLevel
            queue += next.conjuncts
        }
        return (discloses, minimum)
    }

    private static func listItems(_ node: AnnotationNode) -> AnnotationNode? {
        var queue = [node]
        var visited = Set<ObjectIdentifier>()
        while !queue.isEmpty {
            let next = queue.removeFirst()
            guard visited.insert(ObjectIdentifier(next)).inserted else { continue }
            if let items = next.items { return items }
            queue += next.conjuncts
        }
        return nil
    }

    /// Members of the object-shaped branches of a component schema that disclose something themselves.
    private static func componentFields(_ items: AnnotationNode) -> [(String, AnnotationNode)] {
        var result: [(String, AnnotationNode)] = []
        var queue = [items]
        var visited = Set<ObjectIdentifier>()
        while !queue.isEmpty {
            let next = queue.removeFirst()
            guard visited.insert(ObjectIdentifier(next)).inserted else { continue }
            for key in next.propertyOrder {
                if let child = next.properties[key], effective(child).discloses != nil { result.append((key, child)) }
            }
            queue += next.conjuncts + next.branches
        }
        return result
    }

    /// The matrix as Markdown: one table per group of generations, `yes`/`never` per level.
    public static func markdown(_ matrix: DisclosureMatrix) -> String {
        var groups: [[String]: [DisclosureMatrix.Row]] = [:]
        var order: [[String]] = []
        for row in matrix.rows {
            let key = generationsOfMessage(row, in: matrix)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(row)
        }
        var out = "# What Parsl's usage messages disclose, by level\n\n"
        out += "Derived by `usage-audit schemas describe` from the schemas' privacy annotations. "
        out += "`yes`: the field may appear at that level; `never`: it must not.\n"
        for key in order {
            out += "\n## Generation \(key.joined(separator: ", "))\n\n"
            out += "| field | message | discloses | level 1 | level 2 | level 3 |\n|---|---|---|---|---|---|\n"
            for row in groups[key]! {
                let cells = (1...3).map { row.allowed(atLevel: $0) ? "yes" : "never" }
                let only = Set(row.generations) == Set(key) ? "" : " (\(row.generations.joined(separator: ", ")) only)"
                out += "| `\(row.field)`\(only) | \(row.message) | \(row.discloses) | \(cells.joined(separator: " | ")) |\n"
            }
        }
        return out
    }

    private static func generationsOfMessage(_ row: DisclosureMatrix.Row, in matrix: DisclosureMatrix) -> [String] {
        // A field only some generations of its message send (project_name: G5) goes with its message: the
        // first row of that message whose generations include the field's.
        matrix.rows.first { $0.message == row.message && Set(row.generations).isSubset(of: Set($0.generations)) }?.generations
            ?? row.generations
    }

    /// The matrix as JSON: `{"rows": [{field, message, discloses, minimumLevel, generations, levels}]}`.
    public static func json(_ matrix: DisclosureMatrix) -> JSONValue {
        .object(JSONObject([
            ("rows", .array(matrix.rows.map { row in
                .object(JSONObject([
                    ("field", .string(row.field)), ("message", .string(row.message)),
                    ("discloses", .string(row.discloses)),
                    ("minimumLevel", row.minimumLevel.map { .integer(Int64($0)) } ?? .null),
                    ("generations", .array(row.generations.map { .string($0) })),
                    ("levels", .array((1...3).filter { row.allowed(atLevel: $0) }.map { .integer(Int64($0)) })),
                ]))
            })),
        ]))
    }
}
