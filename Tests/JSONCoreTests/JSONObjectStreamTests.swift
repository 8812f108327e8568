import JSONCore
import Testing

/// `JSONObjectStream`: a large document read a piece at a time (how `--baseline` reads a report).
@Suite struct JSONObjectStreamTests {
    /// The pieces of a document, rebuilt into the object they came from.
    static func rebuilt(_ text: String, chunk: Int, whole: Set<String> = []) throws -> JSONValue {
        var stream = JSONObjectStream(.memory(Array(text.utf8)), chunk: chunk, wholeMembers: whole, maxBytes: 1 << 20)
        var members: [(String, JSONValue)] = []
        try stream.read { piece in
            switch piece {
            case .member(let name, let value): members.append((name, value))
            case .list(let name): members.append((name, .array([])))
            case .element(_, _, let value):
                guard case .array(var elements) = members[members.count - 1].1 else { return }
                elements.append(value)
                members[members.count - 1].1 = .array(elements)
            }
        }
        return .object(JSONObject(members))
    }

    static let document = """
        {
          "tool": {"name": "usage-audit", "note": "a \\"quoted\\" ] } , : [ {"},
          "format_version": [2],
          "messages": [
            {"source": "é \\\\ ✓", "n": -1.5e3},
            [], {}, "x", 0, true, null
          ],
          "empty": [],
          "findings": [{"fingerprint": "f:1"}]
        }

        """

    /// Served one byte at a time up to a chunk larger than the document, the pieces rebuild exactly the
    /// object a parse of the whole document gives, in order; a member named whole stays whole.
    @Test func thePiecesRebuildTheDocumentWhateverTheChunks() throws {
        let expected = try JSONValue.parse(Self.document)
        for chunk in [1, 2, 3, 7, 16, 64, 1 << 16] {
            #expect(try Self.rebuilt(Self.document, chunk: chunk) == expected, "chunk \(chunk)")
            #expect(try Self.rebuilt(Self.document, chunk: chunk, whole: ["format_version"]) == expected)
        }
        var pieces: [String] = []
        var stream = JSONObjectStream(
            .memory(Array(Self.document.utf8)), wholeMembers: ["format_version"], maxBytes: 1 << 20)
        try stream.read { piece in
            switch piece {
            case .member(let name, _): pieces.append("member \(name)")
            case .list(let name): pieces.append("list \(name)")
            case .element(let name, let index, _): pieces.append("\(name)[\(index)]")
            }
        }
        #expect(
            pieces == [
                "member tool", "member format_version", "list messages", "messages[0]", "messages[1]", "messages[2]",
                "messages[3]", "messages[4]", "messages[5]", "messages[6]", "list empty", "list findings",
                "findings[0]",
            ])
    }

    /// Bytes from a reader that fails part-way: what was read is handed over, then its reason.
    @Test func aFailingSourceIsUnreadableWithItsReason() {
        var served = false
        var stream = JSONObjectStream(
            .stream(
                read: { buffer in
                    guard !served else { return -1 }
                    served = true
                    let text = Array(#"{"findings": [1, 2, "#.utf8)
                    buffer.copyBytes(from: text.prefix(buffer.count))
                    return min(text.count, buffer.count)
                }, failure: { "Input/output error" }), maxBytes: 1 << 20)
        var elements = 0
        #expect {
            try stream.read { if case .element = $0 { elements += 1 } }
        } throws: { error in
            (error as? JSONObjectStream.Failure)?.kind == .unreadable && "\(error)" == "Input/output error"
        }
        #expect(elements == 2)
    }

    /// A document that is JSON but no object is read through and refused as such; past the limit, too large.
    @Test func whatIsNoObjectOrTooLargeIsNamed() {
        for (text, what) in [("[1, 2]", "a JSON list"), ("\"x\"", "not a JSON object"), ("7", "not a JSON object")] {
            var stream = JSONObjectStream(.memory(Array(text.utf8)), maxBytes: 1 << 20)
            #expect {
                try stream.read { _ in }
            } throws: { error in
                (error as? JSONObjectStream.Failure).map { $0.kind == .notAnObject && $0.message == what } ?? false
            }
        }
        var large = JSONObjectStream(.memory(Array(#"{"a": "0123456789"}"#.utf8)), chunk: 4, maxBytes: 8)
        #expect(throws: JSONObjectStream.Failure.self) { try large.read { _ in } }
    }
}
