import ArgumentParser
import AuditRules

/// `usage-audit rules list|explain`: the rule catalogue, from the same rule files the checker runs.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "List the rules, or explain one.", subcommands: [List.self, Explain.self])

    enum ListFormat: String, CaseInsensitiveChoice {
        case text, json, markdown
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Print every rule: id, default severity, summary.")

        @Option(help: "How the rules are printed (markdown: the page docs/rules.md).")
        var format: ListFormat = .text

        func run() throws {
            switch format {
            case .text: print(RuleDocumentation.text(), terminator: "")
            case .json: print(RuleDocumentation.json().serialized(.init(sortKeys: false)))
            case .markdown: print(RuleDocumentation.markdown(), terminator: "")
            }
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "Explain one rule: its meaning, default severity, levels and generations, an example, the fix.")

        @Argument(help: "A rule id, e.g. privacy.personal-data.")
        var rule: String

        func run() throws {
            guard let descriptor = RuleCatalogue.descriptor(rule) else {
                let hint = RuleDocumentation.suggestion(for: rule).map { " Did you mean '\($0)'?" } ?? ""
                printError("no rule '\(rule)'.\(hint) `usage-audit rules list` prints every rule.")
                throw ExitCode(2)
            }
            print(RuleDocumentation.explain(descriptor), terminator: "")
        }
    }
}
