import ArgumentParser
import AuditTooling

/// `usage-audit fixtures verify [DIR] [--update]`.
struct FixturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures", abstract: "Fixture-driven regression of the checker.", subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check every fixture and compare its findings with NAME.expected.json beside it.")

        @Argument(help: "The fixtures folder.")
        var directory: String = "Fixtures"

        @Flag(help: "Rewrite the expected findings from what the check finds now.")
        var update = false

        @Option(help: "Use the schemas in this folder instead of the embedded ones.")
        var schemas: String?

        @Flag(name: .shortAndLong, help: "List passing fixtures too.")
        var verbose = false

        func run() throws {
            let verifier = FixtureVerifier(directory: directory, schemasDirectory: schemas)
            let outcomes: [FixtureVerifier.Outcome]
            do { outcomes = try verifier.verify(update: update) } catch {
                printError("usage-audit: fixtures: \(error)")
                throw ExitCode(2)
            }
            if update {
                print("rewrote the expected findings of \(outcomes.count) fixtures under \(directory)")
                return
            }
            print(FixtureVerifier.describe(outcomes, verbose: verbose), terminator: "")
            if outcomes.contains(where: { !$0.passed }) { throw ExitCode(1) }
        }
    }
}
