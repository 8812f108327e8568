import AuditInputs
import AuditModel
import Foundation
import Testing
import TestSupport

@testable import AuditRules

/// The catalogue is the one list of rules: every rule file is in it, every finding a run can make names a rule
/// of it, and every rule is documented.
@Suite struct RuleCatalogueTests {
    @Test func everyRuleIDIsUniqueAndDocumented() {
        var seen: Set<String> = []
        for rule in RuleCatalogue.all {
            #expect(seen.insert(rule.id).inserted, "\(rule.id) is listed twice")
            #expect(rule.id.contains("."), "\(rule.id) has no category")
            #expect(!rule.summary.isEmpty && !rule.help.isEmpty, "\(rule.id) is not documented")
            #expect(
                !rule.levels.isEmpty && !rule.generations.isEmpty && !rule.example.isEmpty && !rule.fix.isEmpty,
                "\(rule.id) needs levels, generations, an example and a fix for `rules explain`")
        }
    }

    /// The message rules are the catalogue's rules that judge a message on their own, in catalogue order.
    @Test func theMessageRulesAreTheCataloguesMessageRulesInOrder() {
        let filtered = RuleCatalogue.rules.compactMap { $0 as? any MessageRule.Type }.map { $0.descriptor.id }
        #expect(RuleCatalogue.messageRules.map { $0.descriptor.id } == filtered)
    }

    /// A rule file whose type is missing from the catalogue would make findings no report lists.
    @Test func everyRuleFileIsInTheCatalogue() throws {
        let files = Repository.files(under: "Sources/AuditRules/Rules").filter { $0.hasSuffix("Rule.swift") }
        let listed = Set(RuleCatalogue.rules.map { String(describing: $0) })
        #expect(!files.isEmpty)
        for file in files {
            let type = String(file.split(separator: "/").last!.dropLast(".swift".count))
            #expect(listed.contains(type), "\(file) declares \(type), which RuleCatalogue.rules does not list")
            let text = try String(contentsOfFile: Repository.path(file), encoding: .utf8)
            #expect(text.contains("struct \(type): "), "\(file) must declare \(type)")
        }
        #expect(files.count == RuleCatalogue.rules.count, "every catalogued rule has its own file under Rules/")
    }

    /// Descriptors are made in rule files only, and findings only from descriptors (the string-taking
    /// initializer is for reading findings back), so no code can report under an id the catalogue lacks.
    @Test func noRuleIDIsWrittenOutsideTheRuleFiles() throws {
        for file in Repository.files(under: "Sources") where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: Repository.path(file), encoding: .utf8)
            if !file.hasPrefix("Sources/AuditRules/Rules/") && !file.hasPrefix("Sources/AuditModel/") {
                #expect(!text.contains("RuleDescriptor(id:"), "\(file) makes a rule descriptor outside Rules/")
            }
            if !file.hasPrefix("Sources/AuditModel/") {
                #expect(
                    text.firstMatch(of: /(^|[^A-Za-z])Finding\(\s*rule:/) == nil,
                    "\(file) makes a finding from a bare rule id")
            }
        }
    }

    /// Every input problem a reader can report maps to a catalogued rule.
    @Test(arguments: [
        InputProblem.recordTooLong(limit: 10), .journalDamaged(description: "torn"),
        .datagramsDropped(count: 3, receiveBufferBytes: 1 << 20),
    ])
    func inputProblemsAreReportedByCataloguedRules(_ problem: InputProblem) {
        let finding = problem.finding(source: "input")
        #expect(RuleCatalogue.descriptor(finding.rule) != nil)
        #expect(!finding.message.isEmpty)
    }

    /// Every finding of every committed fixture run names a catalogued rule.
    @Test func everyFixtureFindingNamesACataloguedRule() throws {
        let inputs = Repository.files(under: "Fixtures").filter {
            !$0.hasSuffix(".json") && !$0.hasSuffix(".md") && !$0.hasSuffix(".tsv") && !$0.hasSuffix(".sh")
                && !$0.hasSuffix(".py") && !$0.hasSuffix(".txt")
        }
        #expect(inputs.count > 10)
        let checker = try Checker(configuration: CheckConfiguration())
        let report = AuditRun().run(inputs.map(Repository.path), checker: checker)
        var emitted: Set<String> = []
        for finding in report.findings { emitted.insert(finding.rule) }
        #expect(emitted.count > 10, "the fixtures exercise many rules")
        for rule in emitted.sorted() {
            #expect(RuleCatalogue.descriptor(rule) != nil, "\(rule) is not in the catalogue")
        }
    }
}
