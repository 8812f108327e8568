import AuditRules
import Testing

/// `--allow-namespace` decides which component names are the user's own code; the byte comparison that
/// makes it cheap must say what `String` comparison says.
@Suite("Allowed component namespaces")
struct CheckConfigurationTests {
    @Test func aNamespaceAllowsItsMembersAndItself() {
        let configuration = CheckConfiguration(allowedNamespaces: ["parsl.", "globus_compute"])
        #expect(configuration.isAllowedComponent("parsl.config.Config"))
        #expect(configuration.isAllowedComponent("globus_compute.executor.Executor"))
        #expect(configuration.isAllowedComponent("globus_compute"))
        #expect(!configuration.isAllowedComponent("parslx.Provider"))
        #expect(!configuration.isAllowedComponent("globus_computer.Provider"))
        #expect(!configuration.isAllowedComponent("acme.parsl.Provider"))
        #expect(!configuration.isAllowedComponent(""))
    }

    @Test func changingTheNamespacesTakesEffect() {
        var configuration = CheckConfiguration()
        #expect(!configuration.isAllowedComponent("acme.cluster.Provider"))
        configuration.allowedNamespaces.append("acme")
        #expect(configuration.isAllowedComponent("acme.cluster.Provider"))
    }

    @Test func nonASCIINamesCompareAsCharacters() {
        // U+212A KELVIN SIGN is canonically the letter K: String comparison, not bytes, decides.
        let configuration = CheckConfiguration(allowedNamespaces: ["\u{212A}it"])
        #expect(configuration.isAllowedComponent("Kit.Provider"))
        #expect(CheckConfiguration(allowedNamespaces: ["caf\u{E9}"]).isAllowedComponent("cafe\u{301}.Provider"))
    }
}
