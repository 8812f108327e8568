import JSONCore

/// A document read as a stream (`JSONObjectStream`, how `--baseline` reads a report) against the parser
/// reading it whole: the pieces of any object the parser accepts rebuild that object exactly, members and
/// list elements in order; what the parser refuses, the stream refuses (but for nesting, which the stream
/// bounds piece by piece rather than over the whole document). The bytes are served in chunks of 1 to 64
/// bytes, chosen by the first byte, so a value ends at every chunk boundary.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzObjectStream(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limit = 1 << 20
    // `format_version` is read whole even when it is a list, as the baseline reader asks.
    var stream = JSONObjectStream(
        .memory(bytes), chunk: 1 + Int(bytes.first ?? 0) % 64, wholeMembers: ["format_version"], maxBytes: limit)
    var members: [(String, JSONValue)] = []
    let streamed = Result { () throws(JSONObjectStream.Failure) in
        try stream.read { piece in
            switch piece {
            case .member(let name, let value): members.append((name, value))
            case .list(let name): members.append((name, .array([])))
            case .element(let name, let index, let value):
                guard members.last?.0 == name, case .array(var elements) = members.last!.1, elements.count == index
                else { fatalError("element \(index) of '\(name)' out of order") }
                elements.append(value)
                members[members.count - 1].1 = .array(elements)
            }
        }
    }
    let whole = Result { () throws(JSONParseError) in
        try JSONValue.parse(bytes, options: JSONParseOptions(maxBytes: limit))
    }
    switch (whole, streamed) {
    case (.success(let document), .success):
        guard case .object = document else { fatalError("the stream read a document that is no object") }
        if document != .object(JSONObject(members)) { fatalError("the pieces do not rebuild the document") }
    case (.success(let document), .failure(let failure)):
        if case .object = document { fatalError("the stream refused a JSON object: \(failure)") }
        if failure.kind != .notAnObject { fatalError("a JSON document that is no object refused as \(failure)") }
    case (.failure(let error), .success):
        if error.code != .depthLimit { fatalError("the stream accepted what the parser refuses: \(error)") }
    case (.failure, .failure(let failure)):
        if failure.kind != .notJSON || failure.message.isEmpty { fatalError("refused as \(failure)") }
    }
    return 0
}
