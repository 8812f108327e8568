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
        var bytes: [UInt8] = []
        write(value, depth: depth, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// The same, as UTF-8: what the writers stream. Appending to bytes costs far less per piece than
    /// appending to a `String`, and a SARIF result is hundreds of pieces.
    func write(_ value: JSONValue, depth: Int, to out: inout [UInt8]) {
        var indents: [[UInt8]] = [[]]
        write(value, at: .root, depth: depth, to: &out, indents: &indents)
    }

    /// The indentation of `depth` levels.
    func indentation(_ depth: Int) -> String { String(repeating: indentUnit, count: depth) }

    /// Punctuation, and text already laid out (an inlined container), through `escape` when there is one.
    private func emit(_ text: StaticString, to out: inout [UInt8]) {
        if let escape {
            out.append(contentsOf: escape(text.description).utf8)
        } else {
            out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
    }

    private func emit(_ bytes: [UInt8], to out: inout [UInt8]) {
        if let escape {
            out.append(contentsOf: escape(String(decoding: bytes, as: UTF8.self)).utf8)
        } else {
            out.append(contentsOf: bytes)
        }
    }

    private func emitScalar(_ value: JSONValue, to out: inout [UInt8]) {
        if let escape {
            var text = ""
            Self.writeScalar(value, to: &text)
            out.append(contentsOf: escape(text).utf8)
        } else {
            Self.writeScalar(value, to: &out)
        }
    }

    /// A scalar as compact JSON. JSONCore's serializer appends strings scalar by scalar; nearly every string
    /// in a report needs no escape at all, so it is appended whole (same output: only `"`, `\` and controls
    /// are escaped).
    static func writeScalar(_ value: JSONValue, to out: inout String) {
        var bytes: [UInt8] = []
        writeScalar(value, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    static func writeScalar(_ value: JSONValue, to out: inout [UInt8]) {
        guard case .string(let string) = value else { return value.write(to: &out, compact) }
        Escape.appendJSONString(string, to: &out)
    }

    private func indent(_ depth: Int, to out: inout [UInt8], _ indents: inout [[UInt8]]) {
        while indents.count <= depth { indents.append(indents[indents.count - 1] + Array(indentUnit.utf8)) }
        out.append(contentsOf: indents[depth])
    }

    private func write(
        _ value: JSONValue, at pointer: JSONPointer, depth: Int, to out: inout [UInt8], indents: inout [[UInt8]]
    ) {
        let mark = pointer.isRoot ? nil : markup?(pointer)
        if let mark { out.append(contentsOf: mark.open.utf8) }
        writeUnmarked(value, at: pointer, depth: depth, to: &out, indents: &indents)
        if let mark { out.append(contentsOf: mark.close.utf8) }
    }

    private func writeUnmarked(
        _ value: JSONValue, at pointer: JSONPointer, depth: Int, to out: inout [UInt8], indents: inout [[UInt8]]
    ) {
        switch value {
        case .array(let elements):
            if elements.isEmpty {
                emit("[]", to: &out)
            } else if let line = inlineForm(value, at: pointer) {
                emit(line, to: &out)
            } else {
                emit("[", to: &out)
                out.append(UInt8(ascii: "\n"))
                for (index, element) in elements.enumerated() {
                    indent(depth + 1, to: &out, &indents)
                    let elementPointer = markup == nil ? pointer : pointer.appending(index)
                    write(element, at: elementPointer, depth: depth + 1, to: &out, indents: &indents)
                    if index + 1 < elements.count { emit(",", to: &out) }
                    out.append(UInt8(ascii: "\n"))
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
                out.append(UInt8(ascii: "\n"))
                for (index, (key, member)) in object.enumerated() {
                    let memberPointer = markup == nil ? pointer : pointer.appending(key)
                    let mark = markup?(memberPointer)
                    indent(depth + 1, to: &out, &indents)
                    if let mark { out.append(contentsOf: mark.open.utf8) }
                    emitScalar(.string(key), to: &out)
                    emit(": ", to: &out)
                    writeUnmarked(member, at: memberPointer, depth: depth + 1, to: &out, indents: &indents)
                    if let mark { out.append(contentsOf: mark.close.utf8) }
                    if index + 1 < object.count { emit(",", to: &out) }
                    out.append(UInt8(ascii: "\n"))
                }
                indent(depth, to: &out, &indents)
                emit("}", to: &out)
            }
        default:
            emitScalar(value, to: &out)
        }
    }

    /// The one-line form of a small container of scalars, when inlining is on and nothing inside is marked.
    private func inlineForm(_ value: JSONValue, at pointer: JSONPointer) -> [UInt8]? {
        guard inlineSmallContainers else { return nil }
        var line: [UInt8] = []
        switch value {
        case .array(let elements):
            guard elements.count <= inlineMaximumMembers else { return nil }
            line.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                guard !Self.isContainer(element), markup?(pointer.appending(index)) == nil else { return nil }
                if index > 0 { line.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: " ")]) }
                Self.writeScalar(element, to: &line)
            }
            line.append(UInt8(ascii: "]"))
        case .object(let object):
            guard object.count <= inlineMaximumMembers else { return nil }
            line.append(UInt8(ascii: "{"))
            for (index, (key, member)) in object.enumerated() {
                guard !Self.isContainer(member), markup?(pointer.appending(key)) == nil else { return nil }
                if index > 0 { line.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: " ")]) }
                Self.writeScalar(.string(key), to: &line)
                line.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
                Self.writeScalar(member, to: &line)
            }
            line.append(UInt8(ascii: "}"))
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
