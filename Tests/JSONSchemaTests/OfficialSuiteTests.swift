import JSONCore
import JSONSchema
import Testing

/// The official JSON-Schema-Test-Suite, draft 2020-12, one Swift Testing case per suite test.
///
/// Every required test must pass. Optional tests must pass too unless ``KnownSkips`` names them (by group or
/// test, never by file) with a reason; a skip that starts passing fails the run, so the list stays true.
/// Every case also checks that the fast `isValid` and the full `validate` agree.
@Suite("Official JSON Schema test suite (draft 2020-12)")
struct OfficialSuiteTests {
    @Test("the suite is present (a failure, never a skip)")
    func suiteIsPresent() {
        #expect(OfficialSuite.isPresent, "no test suite at \(OfficialSuite.root.path) (it is part of the repository)")
        #expect(OfficialSuite.cases.filter { !$0.isOptional }.count > 1000)
    }

    @Test("required", arguments: OfficialSuite.cases.filter { !$0.isOptional })
    func required(_ suiteCase: SuiteCase) {
        let outcome = SuiteRunner.run(suiteCase)
        #expect(outcome == .passed, "\(suiteCase): \(outcome)")
    }

    @Test("optional", arguments: OfficialSuite.cases.filter { $0.isOptional && KnownSkips.reason(for: $0) == nil })
    func optional(_ suiteCase: SuiteCase) {
        let outcome = SuiteRunner.run(suiteCase)
        #expect(outcome == .passed, "\(suiteCase): \(outcome)")
    }

    @Test("optional skips are named, still needed, and under 10%", .enabled(if: OfficialSuite.isPresent))
    func optionalSkips() {
        let optional = OfficialSuite.cases.filter(\.isOptional)
        var skipped = 0
        for suiteCase in optional {
            guard let reason = KnownSkips.reason(for: suiteCase) else { continue }
            skipped += 1
            print("skipped: \(suiteCase): \(reason)")
            #expect(SuiteRunner.run(suiteCase) != .passed, "\(suiteCase) passes now: remove its skip")
        }
        let passing = optional.count - skipped
        print("optional tests: \(passing) of \(optional.count) pass (\(skipped) skipped)")
        #expect(Double(passing) >= 0.9 * Double(optional.count))
        #expect(KnownSkips.unused(in: optional).isEmpty, "skips that match no case: \(KnownSkips.unused(in: optional))")
    }
}

/// Runs one suite case: compiles its schema (remotes served from the suite's `remotes/` folder through the
/// resource mapping), validates its instance both ways.
enum SuiteRunner {
    enum Outcome: Equatable, CustomStringConvertible {
        case passed
        case failed(String)
        /// The case holds a number JSONCore cannot represent.
        case unrepresentable(String)

        var description: String {
            switch self {
            case .passed: "passed"
            case .failed(let why): "failed: \(why)"
            case .unrepresentable(let why): "not representable: \(why)"
            }
        }
    }

    static let resources: ResourceMap = {
        var map = ResourceMap()
        map.map("http://localhost:1234/", to: OfficialSuite.remotesFolder.path + "/")
        return map
    }()

    static func run(_ suiteCase: SuiteCase) -> Outcome {
        let schemaDocument: JSONValue
        let instance: JSONValue
        do {
            schemaDocument = try JSONValue.parse(suiteCase.schemaText)
            instance = try JSONValue.parse(suiteCase.dataText)
        } catch {
            return .unrepresentable("\(error)")
        }
        let schema: Schema
        do {
            schema = try Schema(
                compiling: schemaDocument,
                options: CompileOptions(formatAssertion: suiteCase.assertsFormat, resources: resources))
        } catch {
            return .failed("the schema does not compile: \(error)")
        }
        let fast = schema.isValid(instance)
        let full = schema.validate(instance)
        if fast != full.isValid {
            return .failed("isValid says \(fast), validate says \(full.isValid)")
        }
        if !full.isValid && full.bestMatch == nil { return .failed("invalid, yet no best match") }
        if fast != suiteCase.valid {
            let errors = full.errors.map { "\($0.keywordLocation): \($0.error)" }.joined(separator: "; ")
            return .failed("expected \(suiteCase.valid ? "valid" : "invalid"), got \(fast ? "valid" : "invalid") \(errors)")
        }
        return .passed
    }
}
