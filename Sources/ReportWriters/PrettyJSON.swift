import JSONCore

/// Indented JSON text in the written key order (JSONCore's serializer is compact), with an optional hook
/// that wraps the subtree at chosen JSON pointers: the HTML report uses it to put `<mark>` around the
/// offending part of a message.
///
/// Reports can hold hundreds of thousands of findings, so the plain path writes straight into the output
/// (no escaping closure, no pointers, no temporary strings per token).
struct PrettyJSON {
    /// Markup around one subtree; `open` and `close` are emitted verbatim.
    struct Markup {
        var open: String
        var close: String
    }

    /// Applied to every piece of JSON text (strings, numbers, punctuation), e.g. HTML escaping; `nil`
    /// writes JSON as it is.
    var escape: ((String) -> String)? = nil
    /// Markup for the value at a pointer (for an object member, around its key too). Without it no pointer
    /// is built at all.
    var markup: ((JSONPointer) -> Markup?)? = nil
    /// Keep small all-scalar objects and arrays on one line (`{"packet": 5}`), as the contract shows them.
    var inlineSmallContainers = false
    /// Objects and arrays are inlined only up to this many members. The rule looks at the shape alone, never
    /// at the length of values, so the layout of a report does not change when an input has a longer name.
    var inlineMaximumMembers = 3
    var indentUnit = "  "

    private static let compact = JSONValue.SerializationOptions(sortKeys: false)

    func render(_ value: JSONValue) -> String {
        var out = ""
        write(value, depth: 0, to: &out)
        return out
    }

    /// Appends `value` as it would appear nested `depth` levels deep in a larger document (its first line
    /// unindented, the following ones indented for that depth): lets a writer stream a long array element by
    /// element instead of building the whole document first.
    func write(_ value: JSONValue, depth: Int, to out: inout String) {
        var indents = [""]
        write(value, at: .root, depth: depth, to: &out, indents: &indents)
    }

    /// The indentation of `depth` levels.
    func indentation(_ depth: Int) -> String { String(repeating: indentUnit, count: depth) }

    /// JSON text, escaped when asked.
    private func emit(_ text: String, to out: inout String) {
        if let escape { out += escape(text) } else { out += text }
    }

    private func emitScalar(_ value: JSONValue, to out: inout String) {
        if let escape {
            var text = ""
            Self.writeScalar(value, to: &text)
            out += escape(text)
        } else {
            Self.writeScalar(value, to: &out)
        }
    }

    /// JSONCore's serializer appends strings scalar by scalar; nearly every string in a report needs no
    /// escape at all, so it is appended whole (same output: only `"`, `\` and controls are escaped).
    static func writeScalar(_ value: JSONValue, to out: inout String) {
        if case .string(let string) = value, !needsEscape(string) {
            out += "\""
            out += string
            out += "\""
        } else {
            value.write(to: &out, compact)
        }
    }

    /// Whether a string needs an escape in JSON, read through its own storage (iterating its UTF-8 view
    /// costs several times more per byte, and reports write hundreds of megabytes of strings).
    private static func needsEscape(_ string: String) -> Bool {
        var string = string
        return string.withUTF8 { bytes in
            bytes.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        }
    }

    private func indent(_ depth: Int, to out: inout String, _ indents: inout [String]) {
        while indents.count <= depth { indents.append(indents[indents.count - 1] + indentUnit) }
        out += indents[depth]
    }

    private func write(
        _ value: JSONValue, at pointer: JSONPointer, depth: Int, to out: inout String, indents: inout [String]
    ) {
        let mark = pointer.isRoot ? nil : markup?(pointer)
        if let mark { out += mark.open }
        writeUnmarked(value, at: pointer, depth: depth, to: &out, indents: &indents)
        if let mark { out += mark.close }
    }

    private func writeUnmarked(
        _ value: JSONValue, at pointer: JSONPointer, depth: Int, to out: inout String, indents: inout [String]
    ) {
        switch value {
        case .array(let elements):
            if elements.isEmpty {
                emit("[]", to: &out)
            } else if let line = inlineForm(value, at: pointer) {
                emit(line, to: &out)
            } else {
                emit("[", to: &out)
                out += "\n"
                for (index, element) in elements.enumerated() {
                    indent(depth + 1, to: &out, &indents)
                    let elementPointer = markup == nil ? pointer : pointer.appending(index)
                    write(element, at: elementPointer, depth: depth + 1, to: &out, indents: &indents)
                    if index + 1 < elements.count { emit(",", to: &out) }
                    out += "\n"
                }
                indent(depth, to: &out, &indents)
                emit("]", to: &out)
            }
        case .object(let object):
            if object.isEmpty {
                emit("{}", to: &out)
            } else if let line = inlineForm(value, at: pointer) {
                emit(line, to: &out)
            } else {
                emit("{", to: &out)
                out += "\n"
                for (index, (key, member)) in object.enumerated() {
                    let memberPointer = markup == nil ? pointer : pointer.appending(key)
                    let mark = markup?(memberPointer)
                    indent(depth + 1, to: &out, &indents)
                    if let mark { out += mark.open }
                    emitScalar(.string(key), to: &out)
                    emit(": ", to: &out)
                    writeUnmarked(member, at: memberPointer, depth: depth + 1, to: &out, indents: &indents)
                    if let mark { out += mark.close }
                    if index + 1 < object.count { emit(",", to: &out) }
                    out += "\n"
                }
                indent(depth, to: &out, &indents)
                emit("}", to: &out)
            }
        default:
            emitScalar(value, to: &out)
        }
    }

    /// The one-line form of a small container of scalars, when inlining is on and nothing inside is marked.
    private func inlineForm(_ value: JSONValue, at pointer: JSONPointer) -> String? {
        guard inlineSmallContainers else { return nil }
        var line = ""
        switch value {
        case .array(let elements):
            guard elements.count <= inlineMaximumMembers else { return nil }
            line += "["
            for (index, element) in elements.enumerated() {
                guard !Self.isContainer(element), markup?(pointer.appending(index)) == nil else { return nil }
                if index > 0 { line += ", " }
                Self.writeScalar(element, to: &line)
            }
            line += "]"
        case .object(let object):
            guard object.count <= inlineMaximumMembers else { return nil }
            line += "{"
            for (index, (key, member)) in object.enumerated() {
                guard !Self.isContainer(member), markup?(pointer.appending(key)) == nil else { return nil }
                if index > 0 { line += ", " }
                Self.writeScalar(.string(key), to: &line)
                line += ": "
                Self.writeScalar(member, to: &line)
            }
            line += "}"
        default:
            return nil
        }
        return line
    }

    private static func isContainer(_ value: JSONValue) -> Bool {
        switch value {
        case .array, .object: true
        default: false
        }
    }
}

/// A JSON object with members in the order written, for documents whose key order is part of the format.
func orderedObject(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
    .object(JSONObject(members.map { ($0.key, $0.value) }))
}
