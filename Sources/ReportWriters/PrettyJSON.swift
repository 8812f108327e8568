import JSONCore

/// Indented JSON text in the written key order (JSONCore's serializer is compact), with an optional hook
/// that wraps the subtree at chosen JSON pointers: the HTML report uses it to put `<mark>` around the
/// offending part of a message.
struct PrettyJSON {
    /// Markup around one subtree; `open` and `close` are emitted verbatim.
    struct Markup {
        var open: String
        var close: String
    }

    /// Applied to every piece of JSON text (strings, numbers, punctuation): identity for JSON, HTML escaping
    /// for HTML.
    var escape: (String) -> String = { $0 }
    /// Markup for the value at a pointer (for an object member, around its key too); `nil` for none.
    var markup: (JSONPointer) -> Markup? = { _ in nil }
    /// Keep small all-scalar objects and arrays on one line (`{"packet": 5}`), as the contract shows them.
    var inlineSmallContainers = false
    /// Objects and arrays are inlined only when their one-line form is at most this long.
    var inlineWidth = 72
    var indentUnit = "  "

    func render(_ value: JSONValue) -> String {
        var out = ""
        write(value, at: .root, depth: 0, to: &out)
        return out
    }

    private func write(_ value: JSONValue, at pointer: JSONPointer, depth: Int, to out: inout String) {
        let mark = pointer.isRoot ? nil : markup(pointer)
        if let mark { out += mark.open }
        writeUnmarked(value, at: pointer, depth: depth, to: &out)
        if let mark { out += mark.close }
    }

    private func writeUnmarked(_ value: JSONValue, at pointer: JSONPointer, depth: Int, to out: inout String) {
        switch value {
        case .array(let elements):
            if elements.isEmpty {
                out += escape("[]")
            } else if let line = inlineForm(value, at: pointer) {
                out += escape(line)
            } else {
                out += escape("[") + "\n"
                for (index, element) in elements.enumerated() {
                    out += indent(depth + 1)
                    write(element, at: pointer.appending(index), depth: depth + 1, to: &out)
                    out += (index + 1 < elements.count ? escape(",") : "") + "\n"
                }
                out += indent(depth) + escape("]")
            }
        case .object(let object):
            if object.isEmpty {
                out += escape("{}")
            } else if let line = inlineForm(value, at: pointer) {
                out += escape(line)
            } else {
                out += escape("{") + "\n"
                for (index, (key, member)) in object.enumerated() {
                    let memberPointer = pointer.appending(key)
                    let mark = markup(memberPointer)
                    out += indent(depth + 1)
                    if let mark { out += mark.open }
                    out += escape(JSONValue.string(key).serialized() + ": ")
                    writeUnmarked(member, at: memberPointer, depth: depth + 1, to: &out)
                    if let mark { out += mark.close }
                    out += (index + 1 < object.count ? escape(",") : "") + "\n"
                }
                out += indent(depth) + escape("}")
            }
        default:
            out += escape(value.serialized())
        }
    }

    /// The one-line form of a small container of scalars, when inlining is on and nothing inside is marked.
    private func inlineForm(_ value: JSONValue, at pointer: JSONPointer) -> String? {
        guard inlineSmallContainers else { return nil }
        var parts: [String] = []
        var open = "["
        var close = "]"
        switch value {
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                guard !Self.isContainer(element), markup(pointer.appending(index)) == nil else { return nil }
                parts.append(element.serialized())
            }
        case .object(let object):
            open = "{"
            close = "}"
            for (key, member) in object {
                guard !Self.isContainer(member), markup(pointer.appending(key)) == nil else { return nil }
                parts.append(JSONValue.string(key).serialized() + ": " + member.serialized())
            }
        default:
            return nil
        }
        let line = open + parts.joined(separator: ", ") + close
        return line.unicodeScalars.count <= inlineWidth ? line : nil
    }

    private static func isContainer(_ value: JSONValue) -> Bool {
        switch value {
        case .array, .object: true
        default: false
        }
    }

    private func indent(_ depth: Int) -> String { String(repeating: indentUnit, count: depth) }
}

/// A JSON object with members in the order written, for documents whose key order is part of the format.
func orderedObject(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
    .object(JSONObject(members.map { ($0.key, $0.value) }))
}
