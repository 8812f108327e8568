import AuditRules
import Foundation
import TestSupport
import Testing

/// What a clone documents: self-contained (no path outside the repository), links that resolve, a rule table
/// that matches the checker's catalogue, the license.
@Suite("Documentation and repository files")
struct DocumentationTests {
    static let isGitCheckout = FileManager.default.fileExists(atPath: Repository.url(".git").path)

    /// No tracked file may point into a folder beside the repository: a clone has nothing there.
    @Test(.enabled(if: isGitCheckout, "not a git checkout"))
    func noTrackedFileRefersOutsideTheRepository() throws {
        let sibling = ".." + "/shared"  // spelled in two parts so that this file does not match itself
        let result = try ProcessRunner.run("git", ["-C", Repository.root.path, "grep", "-n", "-F", "-e", sibling])
        #expect(result.status == 1, "tracked files refer to \(sibling):\n\(result.stdout)\(result.stderr)")
    }

    static let markdownFiles = ["README.md", "CHANGELOG.md", "Vendor/README.md"]
        + ((try? FileManager.default.contentsOfDirectory(atPath: Repository.url("docs").path)) ?? [])
            .filter { $0.hasSuffix(".md") }.map { "docs/\($0)" }

    /// Every relative link of the Markdown documents names a file or folder of the repository.
    @Test(arguments: markdownFiles)
    func relativeLinksResolve(_ document: String) throws {
        let text = try Repository.text(document)
        let link = try NSRegularExpression(pattern: #"\]\(([^)#\s]+)(#[^)]*)?\)"#)
        let folder = Repository.url(document).deletingLastPathComponent()
        for match in link.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let target = String(text[Range(match.range(at: 1), in: text)!])
            if target.contains("://") || target.hasPrefix("mailto:") { continue }
            let resolved = folder.appendingPathComponent(target).standardizedFileURL
            #expect(
                resolved.path.hasPrefix(Repository.root.standardizedFileURL.path + "/"),
                "\(document) links outside the repository: \(target)")
            #expect(FileManager.default.fileExists(atPath: resolved.path), "\(document) links to a missing \(target)")
        }
    }

    /// docs/usage.md's rule table lists every rule of the catalogue with its severity; rows the catalogue does
    /// not have are marked † (part of the interface, not in this build).
    @Test func theRuleTableMatchesTheCatalogue() throws {
        let text = try Repository.text("docs/usage.md")
        let row = try NSRegularExpression(pattern: #"^\| `([a-z0-9-]+\.[a-z0-9.-]+)`( †)? \| (error|warning|note) \|"#, options: .anchorsMatchLines)
        var documented: [String: (severity: String, marked: Bool)] = [:]
        for match in row.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let id = String(text[Range(match.range(at: 1), in: text)!])
            documented[id] = (String(text[Range(match.range(at: 3), in: text)!]), match.range(at: 2).location != NSNotFound)
        }
        for rule in RuleCatalogue.all {
            let entry = try #require(documented[rule.id], "docs/usage.md does not list \(rule.id)")
            #expect(entry.severity == rule.defaultSeverity.rawValue, "\(rule.id): documented \(entry.severity)")
            #expect(!entry.marked, "docs/usage.md marks \(rule.id) with a †, yet this build has it")
        }
        let known = Set(RuleCatalogue.all.map(\.id))
        for (id, entry) in documented where !known.contains(id) {
            #expect(entry.marked, "docs/usage.md lists \(id), which the catalogue lacks, without a †")
        }
    }

    @Test func theLicenseIsTheFullApacheLicense() throws {
        let license = try Repository.text("LICENSE")
        #expect(license.contains("Apache License") && license.contains("Version 2.0, January 2004"))
        #expect(license.contains("END OF TERMS AND CONDITIONS"))
        #expect(license.count > 10_000)
    }
}
