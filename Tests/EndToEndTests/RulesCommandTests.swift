import Foundation
import Testing

/// `usage-audit rules list|explain`, as a user reads them.
@Suite("usage-audit rules, end to end")
struct RulesCommandTests {
    @Test func listPrintsEveryRuleOfTheContract() throws {
        let result = try Binary.run(["rules", "list", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rules = try #require(json["rules"] as? [[String: Any]])
        let ids = Set(rules.compactMap { $0["id"] as? String })
        for id in [
            "protocol.unknown-version", "level.config-disclosed", "privacy.personal-data", "session.duplicate",
            "capture.truncated", "journal.torn-record", "input.record-too-long", "collector.dropped",
        ] {
            #expect(ids.contains(id), "\(id) missing from rules list")
        }
        for rule in rules {
            #expect(["error", "warning", "note"].contains(rule["severity"] as? String ?? ""))
            #expect(!(rule["summary"] as? String ?? "").isEmpty)
        }
    }

    @Test func explainPrintsMeaningSeverityLevelsExampleAndFix() throws {
        let result = try Binary.run(["rules", "explain", "privacy.forbidden-field"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("privacy.forbidden-field (error by default)"))
        for label in ["Levels:", "Generations: G0-G2", "Example:", "Fix:"] {
            #expect(result.stdout.contains(label), "\(label) missing:\n\(result.stdout)")
        }
        #expect(result.stdout.contains("uname"))
    }

    @Test func aMistypedRuleIsStatus2WithASuggestion() throws {
        let result = try Binary.run(["rules", "explain", "personal-dat"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("Did you mean 'privacy.personal-data'?"), "\(result.stderr)")
    }

    @Test func docsRulesMarkdownIsTheGeneratedPage() throws {
        let result = try Binary.run(["rules", "list", "--format", "markdown"])
        let committed = try String(
            contentsOf: Binary.root.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        #expect(
            result.stdout == committed,
            "docs/rules.md is stale: run `usage-audit rules list --format markdown > docs/rules.md`")
    }
}
