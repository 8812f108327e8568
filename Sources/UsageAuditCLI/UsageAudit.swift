import ArgumentParser
import AuditModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `usage-audit` executable: argument parsing and wiring only; every behaviour lives in the libraries.
@main
struct UsageAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage-audit",
        abstract: "Audits Parsl's usage-tracking messages for privacy and schema conformance.",
        version: UsageAuditVersion.current,
        subcommands: [
            Check.self, RulesCommand.self, SchemasCommand.self, FixturesCommand.self, Listen.self, Validate.self,
        ])

    /// Runs the command, with the contract's exit statuses: bad usage is 2 (ArgumentParser's own is 64).
    static func main() {
        // A reader that goes away (`check ... | head`) must end the output quietly, not kill the process
        // with SIGPIPE halfway through a report file written elsewhere.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help and --version.
                print(fullMessage(for: error))
                terminate(0)
            }
            if error is ExitCode { terminate(code.rawValue) }
            printError(fullMessage(for: error))
            terminate(code == .validationFailure || code == .failure ? 2 : code.rawValue)
        }
    }
}

/// Ends the process with `status` (the C library's `exit`, which `ParsableCommand.exit` would shadow).
private func terminate(_ status: Int32) -> Never {
    #if canImport(Glibc)
        Glibc.exit(status)
    #else
        Darwin.exit(status)
    #endif
}
