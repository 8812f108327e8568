import AuditModel

/// JUnit XML for the test tab of CI runners: one `<testsuite>` per input, one `<testcase>` per message,
/// named by its locator and kind (`packet 5 start`), with a `<failure>` per error, and per finding at or above
/// `--fail-on` (type = rule id). Findings below both go to the test case's `<system-out>`, so nothing is lost
/// but the test still passes. Findings about a whole input form a test case named `input`. An input that
/// could not be read is a test case with an `<error>`: the check could not run on it, which is what JUnit's
/// `errors` count means; otherwise `errors` is 0. A message that could not be decoded and has no failing
/// finding counts as skipped: it was not checked.
struct JUnitReport {
    let report: AuditReport
    let options: ReportOptions

    private struct Case {
        var name: String
        var failures: [Finding] = []
        var others: [Finding] = []
        var error: String?
        var skipped: String?
    }

    private func fails(_ finding: Finding) -> Bool {
        finding.severity >= .error || options.failOn.fails(on: finding.severity)
    }

    func render() -> String {
        let index = ReportIndex(report)
        var suites: [(source: String, cases: [Case])] = []
        for source in index.sources {
            suites.append((source, cases(for: source, index: index)))
        }
        let total = suites.flatMap(\.cases)
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        out += "<testsuites" + attributes(name: report.toolName, total) + ">\n"
        for suite in suites {
            out += "  <testsuite" + attributes(name: suite.source, suite.cases) + ">\n"
            if let input = index.input(named: suite.source) {
                out += "    <properties>\n"
                out += "      <property name=\"input.kind\" value=\"\(Escape.xml(input.kind, attribute: true))\"/>\n"
                out += "      <property name=\"input.messages\" value=\"\(input.messages)\"/>\n"
                out += "    </properties>\n"
            }
            for testCase in suite.cases { out += render(testCase, classname: suite.source) }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    private func cases(for source: String, index: ReportIndex) -> [Case] {
        var cases: [Case] = []
        if let readError = index.input(named: source)?.readError {
            cases.append(Case(name: "read input", error: readError))
        }
        let findings = index.findings(of: source)
        let wholeInput = findings.filter { $0.locator == nil }
        if !wholeInput.isEmpty { cases.append(filled(Case(name: "input"), with: wholeInput)) }
        var covered: Set<Locator> = []
        for position in index.messagesBySource[source] ?? [] {
            let message = report.messages[position]
            guard covered.insert(message.locator).inserted else { continue }
            let messageFindings = (index.findingsByMessage[position] ?? []).map { report.findings[$0] }
            var testCase = filled(Case(name: "\(message.locator) \(message.kind.rawValue)"), with: messageFindings)
            if !message.parsed && testCase.failures.isEmpty {
                testCase.skipped = "the message could not be decoded, so it was not checked"
            }
            cases.append(testCase)
        }
        // Findings whose message the report does not list still get a test case, in locator order.
        var orphans: [Locator: [Finding]] = [:]
        for finding in findings {
            if let locator = finding.locator, !covered.contains(locator) {
                orphans[locator, default: []].append(finding)
            }
        }
        for locator in orphans.keys.sorted() {
            cases.append(filled(Case(name: "\(locator) message"), with: orphans[locator]!))
        }
        return cases
    }

    private func filled(_ testCase: Case, with findings: [Finding]) -> Case {
        var testCase = testCase
        for finding in findings {
            if fails(finding) { testCase.failures.append(finding) } else { testCase.others.append(finding) }
        }
        return testCase
    }

    private func attributes(name: String, _ cases: [Case]) -> String {
        let failures = cases.count { !$0.failures.isEmpty && $0.error == nil }
        let errors = cases.count { $0.error != nil }
        let skipped = cases.count { $0.skipped != nil }
        return " name=\"\(Escape.xml(name, attribute: true))\" tests=\"\(cases.count)\" failures=\"\(failures)\""
            + " errors=\"\(errors)\" skipped=\"\(skipped)\""
    }

    private func render(_ testCase: Case, classname: String) -> String {
        var out = "    <testcase classname=\"\(Escape.xml(classname, attribute: true))\""
        out += " name=\"\(Escape.xml(testCase.name, attribute: true))\""
        guard testCase.error != nil || testCase.skipped != nil || !testCase.failures.isEmpty || !testCase.others.isEmpty
        else { return out + "/>\n" }
        out += ">\n"
        if let error = testCase.error {
            out += "      <error type=\"input.unreadable\" message=\"\(Escape.xml(error, attribute: true))\"/>\n"
        }
        if let skipped = testCase.skipped {
            out += "      <skipped message=\"\(Escape.xml(skipped, attribute: true))\"/>\n"
        }
        for finding in testCase.failures {
            out += "      <failure type=\"\(Escape.xml(finding.rule, attribute: true))\""
            out += " message=\"\(Escape.xml(finding.message, attribute: true))\">"
            out += Escape.xml(details(finding)) + "</failure>\n"
        }
        if !testCase.others.isEmpty {
            out += "      <system-out>"
            out += Escape.xml(testCase.others.map(details).joined(separator: "\n\n"))
            out += "</system-out>\n"
        }
        return out + "    </testcase>\n"
    }

    /// The body: everything a CI reader needs without opening another report.
    private func details(_ finding: Finding) -> String {
        var lines = [
            "\(finding.severity.rawValue): \(finding.rule)",
            finding.message,
            "at \(finding.source) \(finding.locator?.description ?? "(whole input)"), pointer \(ReportIndex.pointerText(finding))",
        ]
        var context: [String] = []
        if let level = finding.level { context.append("level \(level)") }
        if let correlator = finding.correlator { context.append("correlator \(correlator)") }
        if !context.isEmpty { lines.append(context.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }
}
