import AuditModel
import Foundation
import JSONCore
import Storage
import Testing
import TestSupport

@testable import ReportWriters

/// `--ignore` and `--baseline`, and the fingerprint every JSON finding carries.
@Suite struct SuppressionTests {
    let report = SampleReports.mixed()

    private func json(_ report: AuditReport, redact: Bool = false) throws -> JSONValue {
        try JSONValue.parse(ReportWriter.render(report, format: .json, options: .init(redact: redact)))
    }

    private func fingerprints(_ document: JSONValue) -> [String] {
        document["findings"]?.arrayValue?.compactMap { $0["fingerprint"]?.stringValue } ?? []
    }

    @Test func everyJSONFindingHasAStableFingerprintThatMatchesSARIFs() throws {
        let document = try json(report)
        #expect(document["format_version"] == 2)
        let prints = fingerprints(document)
        #expect(prints.count == report.findings.count)
        #expect(Set(prints).count == prints.count)
        #expect(prints == fingerprints(try json(report)))
        #expect(prints == fingerprints(try json(report, redact: true)))
        let sarif = try JSONValue.parse(ReportWriter.render(report, format: .sarif))
        let sarifPrints = sarif["runs"]?[0]?["results"]?.arrayValue?.compactMap {
            $0["partialFingerprints"]?[Fingerprint.key]?.stringValue
        }
        #expect(sarifPrints == prints)
        let joined = prints.joined(separator: " ")
        for value in SampleReports.sensitive { #expect(!joined.contains(value)) }
    }

    @Test func theJSONSummaryKeepsTheContractsKeyOrder() throws {
        guard case .object(let top) = try json(report), case .object(let summary)? = top["summary"],
            case .object(let finding)? = top["findings"]?[0]
        else {
            Issue.record("not a JSON report")
            return
        }
        #expect(Array(top.keys.prefix(3)) == ["tool", "format_version", "summary"])
        #expect(summary.keys.last == "baselined")
        #expect(Array(finding.keys.suffix(2)) == ["fingerprint", "message"])
    }

    @Test func ignoringARuleDropsItsFindingsAndTheirCount() throws {
        let ignored = "privacy.personal-data"
        let before = report.findings.count { $0.rule == ignored }
        #expect(before > 0)
        let kept = ReportPreparation.prepare(report, suppressions: Suppressions(ignoredRules: [ignored]))
        #expect(!kept.findings.contains { $0.rule == ignored })
        #expect(kept.findings.count == report.findings.count - before)
        #expect(kept.count(.error) == report.count(.error) - before)
        // Each message counts only the findings still reported about it.
        let pointing = Dictionary(grouping: kept.findings.filter { $0.locator != nil }) {
            "\($0.source) \($0.locator!)"
        }
        for message in kept.messages {
            #expect(message.findings == pointing["\(message.source) \(message.locator)"]?.count ?? 0, "\(message.locator)")
        }
        // The remaining findings keep the fingerprints they had.
        let all = ReportPreparation.prepare(report).findings.filter { $0.rule != ignored }.map(\.fingerprint)
        #expect(kept.findings.map(\.fingerprint) == all)
    }

    /// A list of findings counts their sensitive values as it is built, each once with the rule that first
    /// named it: the masks are those of reading every finding; dropping a rule drops what only it named.
    @Test func sensitiveValuesAreCountedAsTheFindingsArrive() throws {
        let named = report.findings.flatMap { finding in finding.sensitiveValues.map { (value: $0, rule: finding.rule) } }
        #expect(!named.isEmpty)
        var firstRule: [String: String] = [:]
        var order: [String] = []
        for (value, rule) in named where firstRule[value] == nil {
            firstRule[value] = rule
            order.append(value)
        }
        #expect(report.findings.tally.sensitiveValues.map(\.value) == order)
        #expect(report.findings.tally.sensitiveValues.allSatisfy { firstRule[$0.value] == $0.rule })
        var spooled = AuditListBuilder<Finding>(configuration: SpoolConfiguration(memoryLimit: 0))
        for finding in report.findings { spooled.append(finding) }
        #expect(spooled.finish().tally.sensitiveValues == report.findings.tally.sensitiveValues)

        let ignored = try #require(named.first?.rule)
        let kept = ReportPreparation.prepare(report, suppressions: Suppressions(ignoredRules: [ignored]))
        let stillNamed = Set(kept.findings.flatMap(\.sensitiveValues))
        #expect(Set(kept.findings.tally.sensitiveValues.map(\.value)) == stillNamed)
        #expect(stillNamed.count < order.count)
    }

    @Test func baselinedFindingsAreCountedButDoNotFail() throws {
        let earlier = try json(report)
        let text = ReportWriter.render(report, format: .json)
        let baseline = try Baseline.parse(Array(text.utf8), path: "earlier.json")
        #expect(baseline.fingerprints.count == report.findings.count)
        let compared = ReportPreparation.prepare(report, suppressions: Suppressions(baseline: baseline))
        #expect(compared.baselinedCount == report.findings.count)
        #expect(compared.failingCount(.note) == 0)
        let document = try json(compared)
        #expect(document["summary"]?["baselined"] == .integer(Int64(report.findings.count)))
        #expect(document["summary"]?["findings"] == earlier["summary"]?["findings"])
        // The unreadable input is still reported as such; without it, nothing fails.
        #expect(compared.hasUnreadableInput)
        var readable = compared
        readable.inputs = compared.inputs.filter { $0.readError == nil }
        #expect(!readable.hasUnreadableInput && readable.failingCount(.note) == 0)
        let rendered = ReportWriter.render(readable, format: .text)
        #expect(rendered.contains("Baseline: \(report.findings.count) findings already in it, not counted toward --fail-on."))
        #expect(rendered.contains("Result: passed"))
    }

    @Test func aNewFindingStillFails() throws {
        let prepared = ReportPreparation.prepare(report)
        let all = prepared.findings.compactMap(\.fingerprint)
        let missing = try #require(prepared.findings.first { $0.severity == .error }?.fingerprint)
        let compared = ReportPreparation.prepare(
            report,
            suppressions: Suppressions(baseline: Baseline(path: "b.json", fingerprints: Set(all).subtracting([missing]))))
        #expect(compared.baselinedCount == all.count - 1)
        #expect(compared.failingCount(.error) == 1)
        #expect(compared.findings.filter { !$0.baselined }.map(\.fingerprint) == [missing])
    }

    @Test(arguments: [
        (#"{"findings": [{"rule": "x"}], "format_version": 1}"#, "finding 1 has no fingerprint"),
        (#"{"summary": {}}"#, "no \"findings\" list"),
        ("[1, 2", "is not JSON"),
    ])
    func aFileThatIsNotABaselineIsRefusedWithItsReason(_ text: String, _ reason: String) {
        #expect {
            try Baseline.parse(Array(text.utf8), path: "old.json")
        } throws: { error in
            "\(error)".hasPrefix("baseline old.json ") && "\(error)".contains(reason)
        }
    }

    /// A baseline may be as large as `Baseline.maximumBytes`, not only as large as the JSON parser's default
    /// limit (16 MiB): the JSON report of a 20,000-message run is larger.
    @Test func aBaselineLargerThanTheParsersDefaultLimitIsRead() throws {
        let padding = String(repeating: "x", count: 1_000)
        let count = 17_500
        var text = #"{"format_version": 2, "findings": ["#
        for index in 0..<count {
            if index > 0 { text += ", " }
            text += #"{"fingerprint": "\#(index):1", "message": "\#(padding)"}"#
        }
        text += "]}"
        #expect(text.utf8.count > JSONParseOptions.default.maxBytes)
        let baseline = try Baseline.parse(Array(text.utf8), path: "large.json")
        #expect(baseline.fingerprints.count == count && baseline.contains("17499:1"))
    }

    /// A report as `check --format json` writes it (pretty, one member a line), with `count` findings whose
    /// messages hold what could confuse a reader that only looks for where values end: escaped quotes and
    /// backslashes, brackets, commas, non-ASCII text.
    static func prettyReport(findings count: Int) -> String {
        var text = "{\n  \"tool\": {\"name\": \"usage-audit\"},\n  \"format_version\": 2,\n  \"messages\": [\n"
        text += (0..<count).map { #"    {"source": "a \"b\" [c], {d}", "locator": {"line": \#($0 + 1)}}"# }
            .joined(separator: ",\n")
        text += "\n  ],\n  \"findings\": [\n"
        text += (0..<count).map {
            #"    {"rule": "x", "message": "été \\ \"]}\", [{ \#(String(repeating: "·", count: $0 % 97))", "fingerprint": "f\#($0):1"}"#
        }.joined(separator: ",\n")
        return text + "\n  ],\n  \"inputs\": []\n}\n"
    }

    /// `load` reads the file as a stream, a chunk at a time, with values across the chunks' ends: it finds
    /// what `parse` finds in the same bytes in memory, and what a parse of the whole document holds.
    @Test func aBaselineReadAsAStreamHoldsEveryFingerprint() throws {
        let folder = try TemporaryDirectory.make("baseline")
        let text = Self.prettyReport(findings: 3_000)
        #expect(text.utf8.count > 8 * JSONObjectStream(.memory([]), maxBytes: 1).chunk)
        let path = folder.appendingPathComponent("report.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let streamed = try Baseline.load(path: path)
        let whole = try JSONValue.parse(text)
        let expected = Set((whole["findings"]?.arrayValue ?? []).compactMap { $0["fingerprint"]?.stringValue })
        #expect(expected.count == 3_000)
        #expect(streamed.fingerprints == expected)
        #expect(try Baseline.parse(Array(text.utf8), path: path).fingerprints == expected)
    }

    /// A fault anywhere in a large baseline, read as a stream, is named with the position the parser gives
    /// for the whole document: the same line, column and byte, whichever chunk it falls in.
    @Test(arguments: [
        ("\"fingerprint\": \"f2500:1\"}", "\"fingerprint\": tru}"),  // a bad token in a finding
        ("\"locator\": {\"line\": 1700}}", "\"locator\": {\"line\": 1700}"),  // a message cut short
        ("f2999:1\"}", "f2999:1\"} x"),  // a stray word after the last finding
        ("\"source\": \"a \\\"b\\\" [c], {d}\", \"locator\": {\"line\": 2000}", "\"source\": \"a \u{01}\", \"locator\": {\"line\": 2000}"),
    ])
    func aFaultInAStreamedBaselineIsPlacedAsTheParserPlacesIt(_ original: String, _ damaged: String) throws {
        let folder = try TemporaryDirectory.make("baseline")
        let text = Self.prettyReport(findings: 3_000)
        #expect(text.contains(original))
        let broken = text.replacingOccurrences(of: original, with: damaged)
        let path = folder.appendingPathComponent("broken.json").path
        try broken.write(toFile: path, atomically: true, encoding: .utf8)
        let parserSays: String
        do {
            _ = try JSONValue.parse(broken, options: JSONParseOptions(maxBytes: Baseline.maximumBytes))
            Issue.record("the damaged report parses")
            return
        } catch {
            parserSays = "\(error)"
        }
        let position = try #require(parserSays.range(of: " at line ")).lowerBound
        #expect {
            try Baseline.load(path: path)
        } throws: { error in
            let said = "\(error)"
            return said.hasPrefix("baseline \(path) is not JSON: ") && said.hasSuffix(String(parserSays[position...]))
        }
    }

    /// Cut short anywhere, a report is refused as not JSON, never read past its end.
    @Test func aBaselineCutShortAnywhereIsNotJSON() {
        let whole = Array(Self.prettyReport(findings: 3).utf8)
        #expect(whole.last == 0x0A)  // only the final line feed may go
        for length in 0..<(whole.count - 1) {
            #expect {
                try Baseline.parse(Array(whole[..<length]), path: "b.json")
            } throws: { error in
                "\(error)".hasPrefix("baseline b.json is not JSON: ")
            }
        }
    }

    /// What lies between the report's values is read here, not by the parser: a fault there is named at its
    /// first byte.
    @Test(arguments: [
        ("\"format_version\": 2,\n", "\"format_version\": 2\n", "expected ',' or '}' after the member \"format_version\" at line 4, column 3 (byte 61)"),
        ("\"format_version\": 2,\n", "\"format_version\" 2,\n", "expected ':' after \"format_version\" at line 3, column 20 (byte 56)"),
        ("\"format_version\": 2,\n", "\"tool\": 2,\n", "duplicate object key 'tool' at line 3, column 3 (byte 39)"),
        ("\"format_version\": 2,\n", "2: 2,\n", "expected a member name at line 3, column 3 (byte 39)"),
        ("\"format_version\": 2,\n", "\"format_version\": 2,}\n", "expected a member name at line 3, column 23 (byte 59)"),
        ("\"format_version\": 2,\n", "\"format_version\": ,\n", "expected a value at line 3, column 21 (byte 57)"),
        ("\"findings\": [\n", "\"findings\": [,\n", "expected a value at line 9, column 16 (byte 275)"),
    ])
    func aFaultBetweenTheReportsValuesIsNamedWhereItIs(_ original: String, _ damaged: String, _ expected: String) {
        let text = Self.prettyReport(findings: 3).replacingOccurrences(of: original, with: damaged)
        #expect {
            try Baseline.parse(Array(text.utf8), path: "b.json")
        } throws: { error in
            "\(error)" == "baseline b.json is not JSON: \(expected)"
        }
    }

    @Test func aMissingBaselineFileIsNamed() {
        #expect {
            try Baseline.load(path: "/nonexistent/old.json")
        } throws: { error in
            "\(error)" == "baseline /nonexistent/old.json cannot be read: No such file or directory"
        }
    }

    @Test(arguments: [
        ("personal-data", "privacy.personal-data"), ("privacy.personal-dta", "privacy.personal-data"),
        ("level.mismatc", "level.mismatch"), ("nothing-like-it", nil),
    ])
    func anUnknownRuleIsRefusedWithTheNearestId(_ typed: String, _ suggestion: String?) throws {
        let message = try #require(Suppressions.unknownRuleMessage(typed, catalogue: SampleReports.rules))
        #expect(message.contains("'\(typed)'"))
        if let suggestion {
            #expect(message.contains("did you mean '\(suggestion)'?"))
        } else {
            #expect(!message.contains("did you mean"))
        }
        #expect(Suppressions.unknownRuleMessage("privacy.personal-data", catalogue: SampleReports.rules) == nil)
    }

    @Test func quietTextIsTheSummaryAndResult() {
        var options = ReportOptions()
        options.summaryOnly = true
        let lines = ReportWriter.render(report, format: .text, options: options).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("Summary: "))
        #expect(lines[1].hasPrefix("Result: "))
    }
}
