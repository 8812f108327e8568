import ArgumentParser

/// The `usage-audit` executable: argument parsing and wiring only; every behaviour lives in the libraries.
@main
struct UsageAudit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage-audit",
        abstract: "Audits Parsl's usage-tracking messages for privacy and schema conformance.",
        version: "0.1.0",
        subcommands: [])
}
