import AuditModel
import JSONCore
import Storage

/// The Parsl message schemas in use (the embedded ones, or a `--schemas DIR`), with what the checker derives
/// from them: which document describes which message kind, generation and level, the privacy annotation trees,
/// and the disclosure matrix.
public final class ParslSchemaSet: Sendable {
    /// Every document, by `$id`.
    public let documents: [String: SchemaDocument]
    /// The files the set was read from (path, text), to read them again (`independentCopy`).
    private let files: [(path: String, text: String)]
    /// The message schemas (those with `messageKind`), newest generation first.
    public let messageSchemas: [SchemaDocument]
    let annotationTrees: [String: AnnotationNode]
    /// What classification needs of each message shape, computed once.
    private let shapes: [ShapeInfo]

    private struct ShapeInfo: Sendable {
        let document: SchemaDocument
        let declared: Set<String>
        let required: Set<String>
        /// `declared` and `required` as bits of `fieldBits`, for scoring a message with a few bit operations.
        var declaredMask: UInt64 = 0
        var requiredMask: UInt64 = 0
        /// Fields annotated with the generations that send them (`project_name`: G5).
        let fieldGenerations: [String: [String]]
        /// The documents of the same kind and generations that pin a level, by level.
        let byLevel: [Int: SchemaDocument]
        /// The levels at which start and end messages of these generations are sent.
        let startLevels: Set<Int>
        let endLevels: Set<Int>
        /// No start document of these generations pins a level.
        let allOrNothing: Bool
    }

    /// The same set read again from the same files: the same documents, none of its objects shared. For
    /// an auditor of another thread (`RecordAuditor.independentCopy()`).
    public func independentCopy() throws(SchemaSetError) -> ParslSchemaSet { try ParslSchemaSet(files: files) }

    /// The schemas compiled into the binary.
    public static func embedded() throws(SchemaSetError) -> ParslSchemaSet {
        try ParslSchemaSet(files: EmbeddedSchemas.files)
    }

    /// Loads the given files (path relative to the schemas folder, text).
    public init(files: [(path: String, text: String)]) throws(SchemaSetError) {
        self.files = files
        var documents: [String: SchemaDocument] = [:]
        for (path, text) in files {
            let json: JSONValue
            do { json = try JSONValue.parse(text) } catch {
                throw SchemaSetError(path: path, message: "not valid JSON: \(error)")
            }
            guard let id = json["$id"]?.stringValue, id.contains("://") else {
                throw SchemaSetError(path: path, pointer: "/$id", message: "every schema needs an absolute $id")
            }
            if let other = documents[id] {
                throw SchemaSetError(path: path, pointer: "/$id", message: "$id \(id) is also the $id of \(other.path)")
            }
            documents[id] = SchemaDocument(path: path, id: id, json: json)
        }
        self.documents = documents
        let messages = documents.values.filter { $0.messageKind != nil }
        guard !messages.isEmpty else {
            throw SchemaSetError(
                path: files.first?.path ?? "(none)", message: "no message schema (none has messageKind)")
        }
        messageSchemas = messages.sorted {
            ($0.generations.max() ?? "", $1.path) > ($1.generations.max() ?? "", $0.path)
        }
        var builder = AnnotationTreeBuilder(documents: documents)
        var trees: [String: AnnotationNode] = [:]
        for document in messageSchemas { trees[document.id] = try builder.node(for: document.id) }
        annotationTrees = trees
        for tree in trees.values { tree.prepare() }
        let messageSchemas = self.messageSchemas
        let shapes = messageSchemas.filter { $0.trackingLevel == nil || $0.messageKind == .end }.map { document in
            let tree = trees[document.id]!
            let declared = Self.declaredProperties(tree)
            var fieldGenerations: [String: [String]] = [:]
            for key in declared {
                if let field = Self.property(key, in: tree) {
                    let sending = Self.generations(of: field)
                    if !sending.isEmpty { fieldGenerations[key] = sending }
                }
            }
            var byLevel: [Int: SchemaDocument] = [:]
            for other in messageSchemas
            where other.messageKind == document.messageKind && other.generations == document.generations {
                if let level = other.trackingLevel { byLevel[level] = other }
            }
            return ShapeInfo(
                document: document, declared: declared,
                required: Set(document.json["required"]?.arrayValue?.compactMap(\.stringValue) ?? []),
                fieldGenerations: fieldGenerations, byLevel: byLevel,
                startLevels: Self.levels(of: .start, generations: document.generations, in: messageSchemas),
                endLevels: Self.levels(of: .end, generations: document.generations, in: messageSchemas),
                allOrNothing: !messageSchemas.contains {
                    $0.messageKind == .start && $0.generations == document.generations && $0.trackingLevel != nil
                })
        }
        // Every field any shape declares gets a bit (64 are plenty; beyond, fields share the last bit, which
        // only blurs the score, never the validation).
        var fieldBits: [String: UInt64] = [:]
        for shape in shapes {
            for key in shape.declared.sorted() where fieldBits[key] == nil {
                fieldBits[key] = 1 << UInt64(min(fieldBits.count, 63))
            }
        }
        self.fieldBits = fieldBits
        self.shapes = shapes.map { shape in
            var shape = shape
            shape.declaredMask = shape.declared.reduce(0) { $0 | fieldBits[$1]! }
            shape.requiredMask = shape.required.reduce(0) { $0 | (fieldBits[$1] ?? 0) }
            return shape
        }
        shapeIndex = Dictionary(uniqueKeysWithValues: shapes.enumerated().map { ($1.document.id, $0) })
    }

    /// A bit per declared field name, for `bestShape`.
    private let fieldBits: [String: UInt64]

    /// Position of each shape in `shapes`, by `$id`.
    private let shapeIndex: [String: Int]

    private func info(_ shape: SchemaDocument) -> ShapeInfo? { shapeIndex[shape.id].map { shapes[$0] } }

    /// Loads every `*.json` under `directory`.
    public static func load(directory: String) throws(SchemaSetError) -> ParslSchemaSet {
        let files: [(String, String)]
        do { files = try SchemaFiles.read(directory: directory) } catch {
            throw SchemaSetError(path: directory, message: "\(error)")
        }
        guard !files.isEmpty else { throw SchemaSetError(path: directory, message: "holds no .json schema") }
        return try ParslSchemaSet(files: files)
    }

    /// The privacy annotations at every place of `message`, judged by `schema`.
    public func annotations(of message: JSONValue, under schema: SchemaDocument) -> [LocatedAnnotation] {
        var out: [LocatedAnnotation] = []
        annotationTrees[schema.id]?.annotate(message, at: .root, into: &out)
        return out
    }

    // MARK: Classification

    /// The message schema whose shape best fits `object`, telling its kind and generation: members it
    /// declares count for, members it does not declare and required members that are missing count against.
    /// Ties go to the newest generation.
    public func bestShape(for object: JSONObject) -> SchemaDocument {
        var present: UInt64 = 0
        var unknown = 0
        for key in object.keys {
            if let bit = fieldBits[key] { present |= bit } else { unknown += 1 }
        }
        let keyCount = object.keys.count
        var best = shapes[0].document
        var bestScore = Int.min
        for shape in shapes {
            let declaredPresent = (present & shape.declaredMask).nonzeroBitCount
            let missingRequired = (shape.requiredMask & ~present).nonzeroBitCount
            let score = 2 * declaredPresent - 2 * (keyCount - declaredPresent) - 3 * missingRequired
            if score > bestScore {
                best = shape.document
                bestScore = score
            }
        }
        return best
    }

    /// The top-level properties a tree declares, through its `$ref`s and `allOf`.
    static func declaredProperties(_ node: AnnotationNode) -> Set<String> {
        var result = Set(node.properties.keys)
        var visited: Set<ObjectIdentifier> = [ObjectIdentifier(node)]
        var queue = node.conjuncts
        while let next = queue.popLast() {
            guard visited.insert(ObjectIdentifier(next)).inserted else { continue }
            result.formUnion(next.properties.keys)
            queue += next.conjuncts
        }
        return result
    }

    /// The document that describes `kind` messages of the generations of `shape` at `level`: the one pinning
    /// that level if there is one, else the shape's own.
    public func schema(like shape: SchemaDocument, level: Int?) -> SchemaDocument {
        guard let level else { return shape }
        return info(shape)?.byLevel[level] ?? shape
    }

    /// Whether the generations of a shape send everything or nothing (no per-level start documents):
    /// their messages are judged as level 3.
    public func isAllOrNothing(_ shape: SchemaDocument) -> Bool {
        info(shape)?.allOrNothing ?? false
    }

    /// The levels at which `kind` messages of these generations are sent: the `trackingLevel`s of their
    /// documents, or every level when none pins one (all-or-nothing generations).
    public func levels(of kind: MessageKind, generations: [String]) -> Set<Int> {
        if let shape = shapes.first(where: { $0.document.generations == generations }) {
            return kind == .end ? shape.endLevels : shape.startLevels
        }
        return Self.levels(of: kind, generations: generations, in: messageSchemas)
    }

    private static func levels(of kind: MessageKind, generations: [String], in documents: [SchemaDocument]) -> Set<Int>
    {
        let pinned = documents.filter { $0.messageKind == kind && $0.generations == generations }.compactMap(
            \.trackingLevel)
        return pinned.isEmpty ? [1, 2, 3] : Set(pinned)
    }

    /// Narrows the generations a shape stands for by the fields the message holds: a field annotated with
    /// `generation` is only sent by those generations (`project_name` by G5).
    public func generation(of object: JSONObject, shape: SchemaDocument) -> String {
        var candidates = shape.generations
        if candidates.count > 1, let info = shapes.first(where: { $0.document.id == shape.id }) {
            for key in object.keys {
                guard let sending = info.fieldGenerations[key] else { continue }
                let narrowed = candidates.filter { sending.contains($0) }
                if !narrowed.isEmpty { candidates = narrowed }
            }
        }
        return candidates.joined(separator: "/")
    }

    /// The generations a field is annotated with, on itself or on the schemas its `$ref`s lead to.
    static func generations(of field: AnnotationNode) -> [String] {
        var visited = Set<ObjectIdentifier>()
        var queue = [field]
        while !queue.isEmpty {
            let next = queue.removeFirst()
            guard visited.insert(ObjectIdentifier(next)).inserted else { continue }
            if !next.generations.isEmpty { return next.generations }
            queue += next.conjuncts
        }
        return []
    }

    /// The annotation node of a top-level property, through `$ref`s and `allOf`, with the annotations of
    /// the nodes its own `$ref`s lead to merged in.
    static func property(_ key: String, in node: AnnotationNode) -> AnnotationNode? {
        var visited = Set<ObjectIdentifier>()
        var queue = [node]
        while let next = queue.popLast() {
            guard visited.insert(ObjectIdentifier(next)).inserted else { continue }
            if let found = next.properties[key] { return found }
            queue += next.conjuncts
        }
        return nil
    }
}

/// Reading a schemas folder from disk.
enum SchemaFiles {
    /// Every `*.json` under `directory`, as (path relative to it, text), sorted by path.
    static func read(directory: String) throws -> [(String, String)] {
        try FileSystem.regularFiles(under: directory, includingHidden: true).filter { $0.hasSuffix(".json") }
            .map { ($0, try FileSystem.readText(directory + "/" + $0)) }
    }
}
