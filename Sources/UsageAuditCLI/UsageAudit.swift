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
        if let message = unknownCommandMessage(Array(CommandLine.arguments.dropFirst())) {
            printError(message)
            terminate(2)
        }
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

extension UsageAudit {
    /// For `usage-audit chek x`: the command it does not know and the one it probably meant (ArgumentParser
    /// alone says "2 unexpected arguments"); `nil` when the first argument is an option or a command.
    static func unknownCommandMessage(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        let names = configuration.subcommands.map { $0._commandName } + ["help"]
        guard !names.contains(first) else { return nil }
        let typed = Array(first.lowercased())
        let closest = names.map { ($0, editDistance(typed, Array($0))) }.min { $0.1 < $1.1 }
        var message = "Error: unknown command '\(first)'"
        if let (name, distance) = closest, distance <= max(2, typed.count / 3) {
            message += "; did you mean '\(name)'?"
        }
        return message + "\nUsage: usage-audit <\(names.dropLast().joined(separator: "|"))> ... (see 'usage-audit --help')"
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
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
