import AuditInputs
import AuditModel
import AuditRules
import JSONCore
import Storage

/// Fixture-driven regression: every input under a fixtures folder has its expected findings beside it
/// (`NAME.expected.json`), and `verify` says which findings appeared or vanished.
///
/// The expectation file also carries the options the fixture is checked with:
/// `{"level": "auto", "allowNamespaces": [], "inputType": null, "with": [], "findings": [{"rule", "locator", "pointer"}]}`
/// (`with`: other inputs of the same runs, files or folders, checked together with the fixture after it;
/// `"reconcile": true` checks them with `--reconcile`).
///
/// One input may be checked several ways: beside `NAME.expected.json`, each `NAME.VARIANT.expected.json`
/// (`VARIANT` without a dot, e.g. `two-workflows.pcap.with-logs.expected.json`) is one more check of the
/// same input with its own options and findings. A folder is a fixture when an expectation file names it
/// (`runinfo.expected.json` beside `runinfo/`): it is checked as `check runinfo/` walks it, and the files in
/// it are checked only as part of it (unless one has expectations of its own), so it can hold exactly
/// what a real run's folder holds.
public struct FixtureVerifier {
    /// File endings of fixture inputs.
    public static let inputExtensions = ["wire", "ndjson", "jsonl", "log", "pcap", "pcapng", "journal"]
    public static let expectationSuffix = ".expected.json"

    public let directory: String
    public let schemasDirectory: String?

    public init(directory: String, schemasDirectory: String? = nil) {
        self.directory = directory
        self.schemasDirectory = schemasDirectory
    }

    /// One finding as a fixture expects it: stable across runs and free of wording.
    public struct ExpectedFinding: Hashable, Comparable, CustomStringConvertible {
        public var rule: String
        public var locator: Locator?
        public var pointer: String

        public var description: String {
            "\(rule) \(locator.map { "\($0)" } ?? "input") \(pointer.isEmpty ? "(whole message)" : pointer)"
        }

        public static func < (a: Self, b: Self) -> Bool {
            (a.locator?.number ?? 0, a.rule, a.pointer) < (b.locator?.number ?? 0, b.rule, b.pointer)
        }
    }

    public struct Outcome {
        /// The input, followed by `(VARIANT)` for a variant's check.
        public var input: String
        public var unexpected: [ExpectedFinding]
        public var missing: [ExpectedFinding]
        /// Set when the fixture could not be checked at all (no expectations, unreadable expectations).
        public var problem: String?
        public var passed: Bool { unexpected.isEmpty && missing.isEmpty && problem == nil }
    }

    /// One check of a fixture: its input (a file or a folder), the expectation file, and the variant's name
    /// when the expectation file is a variant's.
    public struct Check: Equatable {
        public var input: String
        public var expectationPath: String
        public var variant: String?

        /// How outcomes name the check.
        public var name: String { variant.map { "\(input) (\($0))" } ?? input }
    }

    /// Every fixture input under the folder, sorted, as paths: files with an input extension, and folders
    /// an expectation file names.
    public func inputs() throws -> [String] {
        Array(Set(try checks().map(\.input))).sorted()
    }

    /// Every check, sorted by input, the plain expectation before the variants. A file input without any
    /// expectation file, and outside every folder fixture, gets the plain one (which `verify` reports
    /// missing, or `--update` writes).
    public func checks() throws -> [Check] {
        let files = try FileSystem.regularFiles(under: directory, includingHidden: false).map {
            directory.hasSuffix("/") ? directory + $0 : directory + "/" + $0
        }
        var checks: [Check] = []
        var checkedInputs: Set<String> = []
        for file in files where file.hasSuffix(Self.expectationSuffix) {
            let stem = String(file.dropLast(Self.expectationSuffix.count))
            if Self.isInput(stem) {
                checks.append(Check(input: stem, expectationPath: file, variant: nil))
            } else if let dot = stem.lastIndex(of: "."), Self.isInput(String(stem[..<dot])),
                !stem[stem.index(after: dot)...].contains("/")
            {
                let variant = String(stem[stem.index(after: dot)...])
                checks.append(Check(input: String(stem[..<dot]), expectationPath: file, variant: variant))
            } else {
                continue
            }
            checkedInputs.insert(checks.last!.input)
        }
        let folders = checkedInputs.filter(FileSystem.isDirectory).map { $0 + "/" }
        for file in files where Self.hasInputExtension(file) && !checkedInputs.contains(file) {
            guard !folders.contains(where: file.hasPrefix) else { continue }
            checks.append(Check(input: file, expectationPath: file + Self.expectationSuffix, variant: nil))
        }
        return checks.sorted { ($0.input, $0.variant ?? "") < ($1.input, $1.variant ?? "") }
    }

    private static func hasInputExtension(_ path: String) -> Bool {
        inputExtensions.contains { path.hasSuffix("." + $0) }
    }

    /// A file with an input extension, or a folder.
    private static func isInput(_ path: String) -> Bool {
        (hasInputExtension(path) && FileSystem.exists(path)) || FileSystem.isDirectory(path)
    }

    /// Checks every fixture; with `update`, rewrites each expectation file from what the check found
    /// (keeping its options).
    public func verify(update: Bool = false) throws -> [Outcome] {
        var outcomes: [Outcome] = []
        for check in try checks() {
            var expectation = (try? FixtureExpectation.load(check.expectationPath)) ?? nil
            if expectation == nil, !update {
                let reason =
                    FileSystem.exists(check.expectationPath)
                    ? "cannot read \(check.expectationPath)"
                    : "no expectations: run `usage-audit fixtures verify --update`"
                outcomes.append(Outcome(input: check.name, unexpected: [], missing: [], problem: reason))
                continue
            }
            let options = expectation ?? FixtureExpectation()
            let actual = try findings(of: check.input, options: options)
            if update {
                expectation = options
                expectation!.findings = actual
                try expectation!.save(check.expectationPath)
                outcomes.append(Outcome(input: check.name, unexpected: [], missing: [], problem: nil))
                continue
            }
            let (unexpected, missing) = Self.difference(expected: options.findings, actual: actual)
            outcomes.append(Outcome(input: check.name, unexpected: unexpected, missing: missing, problem: nil))
        }
        return outcomes
    }

    /// Runs the checker on one fixture and reduces its findings to what expectations hold.
    func findings(of input: String, options: FixtureExpectation) throws -> [ExpectedFinding] {
        var configuration = CheckConfiguration(
            level: options.level, allowedNamespaces: ["parsl."] + options.allowNamespaces)
        configuration.reconcile = options.reconcile
        let checker = try Checker(configuration: configuration, schemasDirectory: schemasDirectory)
        let folder = input.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let together = options.with.map { folder.isEmpty ? $0 : folder + "/" + $0 }
        let report = AuditRun(inputKind: options.inputType, threads: 1).run([input] + together, checker: checker)
        var found = report.findings.map { ExpectedFinding(rule: $0.rule, locator: $0.locator, pointer: $0.pointer.description) }
        if let error = report.inputs.first?.readError, report.findings.allSatisfy({ $0.rule != "capture.damaged" }) {
            found.append(ExpectedFinding(rule: "input.unreadable", locator: nil, pointer: error))
        }
        return found.sorted()
    }

    /// Multiset difference both ways.
    static func difference(expected: [ExpectedFinding], actual: [ExpectedFinding]) -> (unexpected: [ExpectedFinding], missing: [ExpectedFinding]) {
        var counts: [ExpectedFinding: Int] = [:]
        for finding in expected { counts[finding, default: 0] += 1 }
        for finding in actual { counts[finding, default: 0] -= 1 }
        var unexpected: [ExpectedFinding] = [], missing: [ExpectedFinding] = []
        for (finding, count) in counts {
            if count < 0 { unexpected += Array(repeating: finding, count: -count) }
            if count > 0 { missing += Array(repeating: finding, count: count) }
        }
        return (unexpected.sorted(), missing.sorted())
    }

    /// A readable account of the outcomes: one line per passing fixture, a diff for each failing one.
    public static func describe(_ outcomes: [Outcome], verbose: Bool = false) -> String {
        var out = ""
        for outcome in outcomes {
            if outcome.passed {
                if verbose { out += "ok    \(outcome.input)\n" }
                continue
            }
            out += "FAIL  \(outcome.input)\n"
            if let problem = outcome.problem { out += "      \(problem)\n" }
            for finding in outcome.unexpected { out += "      + unexpected  \(finding)\n" }
            for finding in outcome.missing { out += "      - missing     \(finding)\n" }
        }
        let failed = outcomes.filter { !$0.passed }.count
        out += "\(outcomes.count - failed) of \(outcomes.count) fixtures match their expected findings\n"
        return out
    }
}
