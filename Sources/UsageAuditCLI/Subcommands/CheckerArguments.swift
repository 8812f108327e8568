import ArgumentParser
import AuditRules

/// The checker options `check` and `listen` share: what the client was configured with, and what counts
/// as the user's own code.
struct CheckerArguments: ParsableArguments {
    @Option(
        help: "The level the client was configured with, or auto (0: tracking off, so no message may appear).")
    var level: LevelSetting = .auto

    @Option(help: "Use the schemas in this folder instead of the embedded ones.")
    var schemas: String?

    @Option(
        name: .customLong("allow-namespace"),
        help: "A component namespace that is not the user's own code (repeatable; parsl. is always allowed).")
    var allowedNamespaces: [String] = []

    @Option(
        name: .customLong("min-messages"),
        help: ArgumentHelp(
            "Fewer distinct usage messages than this in the whole run is an error (input.too-few-messages).",
            valueName: "N"))
    var minimumMessages: Int?

    func validate() throws {
        if let minimumMessages, minimumMessages < 0 {
            throw ValidationError("--min-messages must be 0 or more (got \(minimumMessages))")
        }
    }

    /// The check configuration these options give (`parsl.` is always an allowed namespace).
    func configuration(
        sessionCapacity: Int = CheckConfiguration().sessionCapacity,
        observationCapacity: Int = CheckConfiguration().observationCapacity
    ) -> CheckConfiguration {
        CheckConfiguration(
            level: level, allowedNamespaces: ["parsl."] + allowedNamespaces,
            sessionCapacity: sessionCapacity, observationCapacity: observationCapacity)
    }
}
