import Foundation
import JSONCore
import TestSupport
import Testing
import Yams

/// The CI integrations a clone ships: the composite GitHub Action, the example workflows and the pre-commit
/// hooks. Each is parsed as its consumer parses it, checked for the references between its parts, and the
/// action's audit step is run as GitHub would run it.
@Suite("CI integrations")
struct CIIntegrationTests {
    static func yaml(_ path: String) throws -> Node {
        try #require(try Yams.compose(yaml: Repository.text(path)), "\(path) is empty")
    }

    static func scalar(_ node: Node?) -> String? { node?.scalar?.string }

    /// `${{ inputs.NAME }}` and `steps.ID.outputs.NAME` references in a text.
    static func references(_ pattern: String, in text: String) throws -> Set<String> {
        let expression = try NSRegularExpression(pattern: pattern)
        return Set(
            expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
                String(text[Range($0.range(at: 1), in: text)!])
            })
    }

    // MARK: action.yml

    @Test func theActionIsACompositeActionWithTheDocumentedInputs() throws {
        let action = try Self.yaml("action.yml")
        #expect(Self.scalar(action["runs"]?["using"]) == "composite")
        let inputs = Set(action["inputs"]?.mapping?.keys.compactMap { $0.scalar?.string } ?? [])
        for input in ["paths", "level", "fail-on", "min-messages", "sarif", "markdown", "job-summary", "annotations"] {
            #expect(inputs.contains(input), "action.yml lacks the input \(input)")
        }
        let steps = action["runs"]?["steps"]?.array() ?? []
        #expect(steps.count >= 3)
        for step in steps where step["run"] != nil {
            #expect(Self.scalar(step["shell"]) == "bash", "a composite run step needs a shell: \(Self.scalar(step["name"]) ?? "?")")
        }
        let cache = steps.first { Self.scalar($0["uses"])?.hasPrefix("actions/cache@") == true }
        #expect(Self.scalar(cache?["with"]?["path"])?.hasSuffix("/.build") == true, "the build is cached")
    }

    @Test func everyReferenceInTheActionNamesSomethingDeclared() throws {
        let text = try Repository.text("action.yml")
        let action = try Self.yaml("action.yml")
        let inputs = Set(action["inputs"]?.mapping?.keys.compactMap { $0.scalar?.string } ?? [])
        let usedInputs = try Self.references(#"inputs\.([A-Za-z0-9_-]+)"#, in: text)
        #expect(usedInputs.subtracting(inputs).isEmpty, "undeclared inputs used: \(usedInputs.subtracting(inputs))")
        #expect(inputs.subtracting(usedInputs).isEmpty, "inputs never used: \(inputs.subtracting(usedInputs))")
        let stepIDs = Set((action["runs"]?["steps"]?.array() ?? []).compactMap { Self.scalar($0["id"]) })
        let usedSteps = try Self.references(#"steps\.([A-Za-z0-9_-]+)\.outputs"#, in: text)
        #expect(usedSteps.subtracting(stepIDs).isEmpty, "unknown step ids: \(usedSteps.subtracting(stepIDs))")
        // Inputs reach the scripts through the environment only, never pasted into a script's text.
        for step in action["runs"]?["steps"]?.array() ?? [] {
            let script = Self.scalar(step["run"]) ?? ""
            #expect(!script.contains("${{ inputs."), "a script pastes an input: \(Self.scalar(step["name"]) ?? "?")")
        }
    }

    /// The action's audit step, run by bash as GitHub runs a composite step (`bash --noprofile --norc -eo
    /// pipefail`): inputs in `INPUT_*`, the binary built here.
    private func runAuditStep(
        paths: String, annotations: Bool = false, minMessages: String = "", in folder: URL
    ) throws -> (result: ProcessResult, outputs: String, summary: String) {
        let action = try Self.yaml("action.yml")
        let audit = try #require((action["runs"]?["steps"]?.array() ?? []).first { Self.scalar($0["id"]) == "audit" })
        let script = try #require(Self.scalar(audit["run"]))
        let outputs = folder.appendingPathComponent("github-output"), summary = folder.appendingPathComponent("step-summary")
        #expect(FileManager.default.createFile(atPath: outputs.path, contents: nil))
        #expect(FileManager.default.createFile(atPath: summary.path, contents: nil))
        var environment = ProcessInfo.processInfo.environment
        environment.merge(
            [
                "USAGE_AUDIT": ProcessRunner.usageAudit, "INPUT_PATHS": paths, "INPUT_LEVEL": "auto", "INPUT_FAIL_ON": "error",
                "INPUT_MIN_MESSAGES": minMessages, "INPUT_SARIF": "audit.sarif", "INPUT_MARKDOWN": "audit.md",
                "INPUT_JOB_SUMMARY": "true", "INPUT_ANNOTATIONS": annotations ? "true" : "false", "INPUT_ARGUMENTS": "--redact",
                "GITHUB_OUTPUT": outputs.path, "GITHUB_STEP_SUMMARY": summary.path,
            ], uniquingKeysWith: { $1 })
        let result = try ProcessRunner.run(
            "/bin/bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], currentDirectory: folder,
            environment: environment, timeout: 120)
        return (result, try String(contentsOf: outputs, encoding: .utf8), try String(contentsOf: summary, encoding: .utf8))
    }

    @Test func theAuditStepFailsOnLeaksAndWritesSARIFAndTheJobSummary() throws {
        let folder = try TemporaryDirectory.make("usage-audit-action")
        defer { try? FileManager.default.removeItem(at: folder) }
        let fixtures = Repository.url("Fixtures/handmade").path
        let (result, outputs, summary) = try runAuditStep(paths: "\(fixtures)/user-code.wire  \(fixtures)/clean-l*.wire", in: folder)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(outputs.contains("exit-status=1\n") && outputs.contains("sarif=audit.sarif\n"), "\(outputs)")
        let sarif = try JSONValue.parse(Array(try Data(contentsOf: folder.appendingPathComponent("audit.sarif"))))
        #expect(sarif["version"]?.stringValue == "2.1.0")
        let rules = (sarif["runs"]?[0]?["results"]?.arrayValue ?? []).compactMap { $0["ruleId"]?.stringValue }
        #expect(rules.contains("privacy.user-code-identifier"))
        #expect(summary.contains("privacy.user-code-identifier"), "the Markdown report is in the job summary")
        #expect(summary == (try String(contentsOf: folder.appendingPathComponent("audit.md"), encoding: .utf8)))
        #expect(result.stdout.contains("clean-levels.wire"), "the glob was expanded: \(result.stdout)")
    }

    @Test func theAuditStepPassesACleanClientAndReportsAMissingInput() throws {
        let folder = try TemporaryDirectory.make("usage-audit-action")
        defer { try? FileManager.default.removeItem(at: folder) }
        let clean = try runAuditStep(paths: Repository.url("Fixtures/handmade/clean-levels.wire").path, in: folder)
        #expect(clean.result.status == 0, "\(clean.result.stdout)\(clean.result.stderr)")
        #expect(clean.outputs.contains("exit-status=0\n"))
        let missing = try runAuditStep(paths: "no-such-capture-*.pcapng", in: folder)
        #expect(missing.result.status == 2, "\(missing.result.stdout)\(missing.result.stderr)")
        #expect(missing.outputs.contains("exit-status=2\n"))
        #expect((missing.result.stdout + missing.result.stderr).contains("no-such-capture-*.pcapng"))
    }

    static let checkHelp: String = (try? ProcessRunner.run(ProcessRunner.usageAudit, ["check", "--help"]))?.stdout ?? ""

    /// The action's defaults use `--format github` and `--min-messages`, which the contract defines.
    @Test(
        .enabled(
            if: checkHelp.contains("--min-messages") && checkHelp.contains("github"),
            "this build's check has no --min-messages or --format github yet"))
    func theAuditStepAnnotatesFindingsWithItsDefaults() throws {
        let folder = try TemporaryDirectory.make("usage-audit-action")
        defer { try? FileManager.default.removeItem(at: folder) }
        let leak = try runAuditStep(
            paths: Repository.url("Fixtures/handmade/user-code.wire").path, annotations: true, minMessages: "1", in: folder)
        #expect(leak.result.status == 1, "\(leak.result.stdout)\(leak.result.stderr)")
        #expect(leak.result.stdout.contains("::error file="), "\(leak.result.stdout)")
        let empty = folder.appendingPathComponent("empty.ndjson")
        #expect(FileManager.default.createFile(atPath: empty.path, contents: Data()))
        let nothing = try runAuditStep(paths: empty.path, annotations: true, minMessages: "1", in: folder)
        #expect(nothing.result.status == 1, "auditing nothing fails: \(nothing.result.stdout)\(nothing.result.stderr)")
    }

    // MARK: The example GitHub workflow

    @Test func theExampleWorkflowUploadsTheActionsSARIFAndWritesTheJobSummary() throws {
        let workflow = try Self.yaml("docs/examples/github-workflow.yml")
        #expect(Self.scalar(workflow["permissions"]?["security-events"]) == "write")
        let jobs = try #require(workflow["jobs"]?.mapping)
        let steps = jobs.values.flatMap { $0["steps"]?.array() ?? [] }
        let audit = try #require(
            steps.first { Self.scalar($0["uses"]) == "./.usage-audit" && $0["with"]?["paths"] != nil }, "no audit step")
        let upload = try #require(
            steps.first { Self.scalar($0["uses"])?.hasPrefix("github/codeql-action/upload-sarif@") == true }, "no upload")
        #expect(Self.scalar(upload["with"]?["sarif_file"]) == Self.scalar(audit["with"]?["sarif"]))
        #expect(Self.scalar(upload["if"])?.contains("always()") == true, "SARIF is uploaded when the audit fails too")
        #expect(Self.scalar(audit["with"]?["job-summary"]) == "true")
        let action = try Self.yaml("action.yml")
        let inputs = Set(action["inputs"]?.mapping?.keys.compactMap { $0.scalar?.string } ?? [])
        for step in steps where Self.scalar(step["uses"]) == "./.usage-audit" {
            let given = Set(step["with"]?.mapping?.keys.compactMap { $0.scalar?.string } ?? [])
            #expect(given.subtracting(inputs).isEmpty, "inputs the action does not have: \(given.subtracting(inputs))")
        }
        let scripts = steps.compactMap { Self.scalar($0["run"]) }.joined(separator: "\n")
        #expect(scripts.contains(".usage-audit/Scripts/parsl-to-collector"))
        #expect(FileManager.default.fileExists(atPath: Repository.url("Scripts/parsl-to-collector/sitecustomize.py").path))
    }

    // MARK: pre-commit

    @Test func thePreCommitHooksMatchEvidenceFilesOnly() throws {
        let hooks = try Self.yaml(".pre-commit-hooks.yaml").array()
        #expect(Set(hooks.compactMap { Self.scalar($0["id"]) }) == ["usage-audit", "usage-audit-system"])
        for hook in hooks {
            #expect(Self.scalar(hook["entry"]) == "usage-audit check")
            #expect(["swift", "system"].contains(Self.scalar(hook["language"]) ?? ""))
            let files = try NSRegularExpression(pattern: try #require(Self.scalar(hook["files"])))
            func matches(_ path: String) -> Bool { files.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil }
            for path in ["lo.pcap", "captures/run.pcapng", "runinfo/000/parsl.log", "parsl.log", "sent.wire", "messages.ndjson", "usage.journal"] {
                #expect(matches(path), "\(Self.scalar(hook["id"]) ?? "") does not audit \(path)")
            }
            for path in ["README.md", "run.wire.expected.json", "myparsl.log", "parsl.log.txt", "Sources/main.swift"] {
                #expect(!matches(path), "\(Self.scalar(hook["id"]) ?? "") would audit \(path)")
            }
        }
    }

    // MARK: GitLab and Jenkins

    @Test func theGitLabExamplePublishesTheJUnitReportItWrites() throws {
        let pipeline = try Self.yaml("docs/examples/gitlab-ci.yml")
        let job = try #require(pipeline["usage-audit"])
        let junit = try #require(Self.scalar(job["artifacts"]?["reports"]?["junit"]))
        let script = (job["script"]?.array() ?? []).compactMap { Self.scalar($0) }.joined(separator: "\n")
        #expect(script.contains("--report junit=\(junit)"), "\(script)")
        #expect(Self.scalar(job["artifacts"]?["when"]) == "always", "the report is kept when the audit fails")
    }

    @Test func theJenkinsExamplePublishesTheJUnitReportItWrites() throws {
        let pipeline = try Repository.text("docs/examples/Jenkinsfile")
        let published = try Self.references(#"junit testResults: '([^']+)'"#, in: pipeline)
        #expect(published.count == 1)
        for file in published { #expect(pipeline.contains("--report junit=\(file)")) }
    }
}
