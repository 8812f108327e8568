import AuditInputs
import AuditModel
import AuditRules
import JSONCore
import Storage

/// The contents of a `NAME.expected.json` file: how the fixture is checked and what it must find.
struct FixtureExpectation {
    var level: LevelSetting = .auto
    var allowNamespaces: [String] = []
    var inputType: InputKind?
    /// Other inputs of the same runs (the logs beside a capture), relative to the fixture's folder, checked
    /// together with it and after it.
    var with: [String] = []
    /// Checked with `--reconcile` (the fixture and `with` are a capture and the logs of the same runs).
    var reconcile = false
    /// One line saying what the fixture is and why its findings are right.
    var note: String?
    var findings: [FixtureVerifier.ExpectedFinding] = []

    static func load(_ path: String) throws -> FixtureExpectation? {
        guard FileSystem.exists(path) else { return nil }
        let json = try JSONValue.parse(try FileSystem.readText(path))
        var expectation = FixtureExpectation()
        if let level = json["level"]?.stringValue ?? json["level"]?.exactInteger.map({ String($0) }) {
            guard let setting = LevelSetting(argument: level) else { throw FixtureError("\(path): bad level '\(level)'") }
            expectation.level = setting
        }
        expectation.allowNamespaces = json["allowNamespaces"]?.arrayValue?.compactMap(\.stringValue) ?? []
        expectation.inputType = json["inputType"]?.stringValue.flatMap(InputKind.init(rawValue:))
        expectation.note = json["note"]?.stringValue
        expectation.with = json["with"]?.arrayValue?.compactMap(\.stringValue) ?? []
        expectation.reconcile = json["reconcile"] == .bool(true)
        for (i, item) in (json["findings"]?.arrayValue ?? []).enumerated() {
            guard let rule = item["rule"]?.stringValue else { throw FixtureError("\(path): /findings/\(i) has no rule") }
            var locator: Locator?
            if let object = item["locator"]?.objectValue, let (kind, value) = object.first(where: { _ in true }),
                let number = value.exactInteger.map(Int.init)
            {
                switch kind {
                case "packet": locator = .packet(number)
                case "line": locator = .line(number)
                case "record": locator = .record(number)
                default: throw FixtureError("\(path): /findings/\(i)/locator has unknown kind '\(kind)'")
                }
            }
            expectation.findings.append(.init(rule: rule, locator: locator, pointer: item["pointer"]?.stringValue ?? ""))
        }
        return expectation
    }

    func save(_ path: String) throws {
        var members: [(String, JSONValue)] = []
        if let note { members.append(("note", .string(note))) }
        members.append(("level", .string(level.description)))
        if !allowNamespaces.isEmpty { members.append(("allowNamespaces", .array(allowNamespaces.map { .string($0) }))) }
        if let inputType { members.append(("inputType", .string(inputType.rawValue))) }
        if !with.isEmpty { members.append(("with", .array(with.map { .string($0) }))) }
        if reconcile { members.append(("reconcile", .bool(true))) }
        let findingsText = findings.sorted().map { finding -> String in
            var item: [(String, JSONValue)] = [("rule", .string(finding.rule))]
            if let locator = finding.locator {
                item.append(("locator", .object(JSONObject([(locator.kind, .integer(Int64(locator.number)))]))))
            }
            item.append(("pointer", .string(finding.pointer)))
            return "    " + JSONValue.object(JSONObject(item)).serialized(.init(sortKeys: false))
        }
        var text = "{\n"
        for (key, value) in members {
            text += "  " + JSONValue.string(key).serialized() + ": " + value.serialized(.init(sortKeys: false)) + ",\n"
        }
        text += "  \"findings\": [" + (findingsText.isEmpty ? "]\n" : "\n" + findingsText.joined(separator: ",\n") + "\n  ]\n") + "}\n"
        try FileSystem.write(text, to: path)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
