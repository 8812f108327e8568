import ArgumentParser
import AuditModel

/// The `usage-audit` executable: argument parsing and wiring only; every behaviour lives in the libraries.
@main
struct UsageAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage-audit",
        abstract: "Audits Parsl's usage-tracking messages for privacy and schema conformance.",
        version: UsageAuditVersion.current,
        subcommands: [Check.self, SchemasCommand.self, FixturesCommand.self, Listen.self])
}
