import AuditModel
import JSONCore

/// One schema file of the set: its text, its parsed JSON and its `$id`.
public struct SchemaDocument: Sendable {
    /// Path relative to the schemas folder, e.g. `current/start-level2.schema.json`.
    public let path: String
    public let id: String
    public let json: JSONValue

    /// The message this document describes (`messageKind`), if it is a message schema.
    public var messageKind: MessageKind? { json["messageKind"]?.stringValue.flatMap(MessageKind.init(rawValue:)) }
    /// The level it describes (`trackingLevel`), if it pins one.
    public var trackingLevel: Int? { json["trackingLevel"]?.exactInteger.map(Int.init) }
    /// The client generations that send this shape.
    public var generations: [String] { json["generation"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    public var title: String { json["title"]?.stringValue ?? path }
    /// `versioned` (protocol byte then JSON) or `bare` (legacy bare JSON), from the vocabulary's `framing`.
    public var framing: String? { json["framing"]?.stringValue }
}

/// Why a schema set could not be loaded: the file and the place in it.
public struct SchemaSetError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var pointer: String
    public var message: String
    public init(path: String, pointer: String = "", message: String) {
        self.path = path
        self.pointer = pointer
        self.message = message
    }
    public var description: String {
        pointer.isEmpty ? "\(path): \(message)" : "\(path) at \(pointer): \(message)"
    }
}
