import Testing

@testable import AuditRules

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

    /// A component name read from a tape is tested by its bytes (`isAllowedComponent(utf8:)`), made into a
    /// string only when it is the user's code or its bytes cannot tell.
    @Test func theByteTestSaysWhatTheStringTestSays() {
        let configuration = CheckConfiguration(allowedNamespaces: ["parsl.", "globus_compute"])
        for name in [
            "parsl.config.Config", "parsl", "parsl.", "parslx.Provider", "globus_compute", "globus_compute.Executor",
            "globus_computer.Provider", "acme.parsl.Provider", "", "p",
        ] {
            let verdict = Array(name.utf8).withUnsafeBufferPointer { configuration.isAllowedComponent(utf8: $0) }
            #expect(verdict == configuration.isAllowedComponent(name), "\(name)")
        }
        // Text outside ASCII compares as characters: the bytes leave it to the string test.
        #expect(Array("caf\u{E9}.Provider".utf8).withUnsafeBufferPointer { configuration.isAllowedComponent(utf8: $0) } == nil)
    }

    @Test func nonASCIINamesCompareAsCharacters() {
        // U+212A KELVIN SIGN is canonically the letter K: String comparison, not bytes, decides.
        let configuration = CheckConfiguration(allowedNamespaces: ["\u{212A}it"])
        #expect(configuration.isAllowedComponent("Kit.Provider"))
        #expect(CheckConfiguration(allowedNamespaces: ["caf\u{E9}"]).isAllowedComponent("cafe\u{301}.Provider"))
    }
}
