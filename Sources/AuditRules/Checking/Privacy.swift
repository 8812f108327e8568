import JSONCore

/// What a field discloses, from the privacy vocabulary's `discloses` keyword.
public enum Disclosure: String, Sendable, Hashable, CaseIterable {
    /// Versions and platform: level 1.
    case basic
    /// The workflow's configuration: level 2.
    case configuration
    /// What the workflow did and when: level 3.
    case execution
    /// Ties messages to a person or a project (opt-in).
    case identifying
    /// No client may send it again.
    case forbidden
}

/// What the checker's rules use a field for, from the privacy vocabulary's `role` keyword. Rules find fields
/// by role, never by name, so a new generation needs a schema, not code.
public enum FieldRole: String, Sendable, Hashable, CaseIterable {
    case correlator
    case level
    case startTime = "start-time"
    case endTime = "end-time"
    case duration
    case componentList = "component-list"
    case componentName = "component-name"

    /// Its position in `allCases`, without building that array (plans index their role places by it).
    var ordinal: Int {
        switch self {
        case .correlator: 0
        case .level: 1
        case .startTime: 2
        case .endTime: 3
        case .duration: 4
        case .componentList: 5
        case .componentName: 6
        }
    }
}

/// The privacy annotations that apply at one place in a message.
public struct LocatedAnnotation: Sendable, Hashable {
    public var pointer: JSONPointer
    public var discloses: Disclosure?
    public var minimumLevel: Int?
    public var role: FieldRole?

    public init(pointer: JSONPointer, discloses: Disclosure? = nil, minimumLevel: Int? = nil, role: FieldRole? = nil) {
        self.pointer = pointer
        self.discloses = discloses
        self.minimumLevel = minimumLevel
        self.role = role
    }
}

/// One schema error, ready for a finding: where in the message, which keyword, where in the schema.
public struct SchemaViolation: Sendable, Hashable {
    public var instanceLocation: JSONPointer
    public var keyword: String
    public var keywordLocation: String
    public var absoluteKeywordLocation: String
    public var message: String

    public init(
        instanceLocation: JSONPointer, keyword: String, keywordLocation: String, absoluteKeywordLocation: String,
        message: String
    ) {
        self.instanceLocation = instanceLocation
        self.keyword = keyword
        self.keywordLocation = keywordLocation
        self.absoluteKeywordLocation = absoluteKeywordLocation
        self.message = message
    }
}
