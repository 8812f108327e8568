import Testing

@testable import ReportWriters

@Suite struct ReportFormatTests {
    @Test(arguments: ReportFormat.allCases)
    func parsesEveryContractName(_ format: ReportFormat) throws {
        #expect(try ReportFormat(parsing: format.rawValue) == format)
    }

    @Test func contractNamesInOrder() {
        #expect(ReportFormat.names == ["text", "json", "sarif", "junit", "markdown", "html", "github"])
    }

    @Test func unknownFormatNamesTheChoices() throws {
        #expect {
            try ReportFormat(parsing: "xml")
        } throws: { error in
            let error = error as! ReportTargetError
            return error.code == .unknownFormat && error.argument == "xml"
                && error.message
                    == "unknown report format 'xml'; expected one of: text, json, sarif, junit, markdown, html, github"
        }
        #expect(try ReportFormat(parsing: "JSON") == .json, "choices are case-insensitive")
    }

    @Test func parsesReportTargets() throws {
        #expect(try ReportTarget.parse("sarif=out.sarif") == ReportTarget(format: .sarif, path: "out.sarif"))
        #expect(
            try ReportTarget.parse("html=reports/a=b.html") == ReportTarget(format: .html, path: "reports/a=b.html"))
        let stdout = try ReportTarget.parse("text=-")
        #expect(stdout.writesToStandardOutput)
        #expect(stdout.description == "text=-")
    }

    @Test(arguments: [
        (
            "out.sarif", ReportTargetError.Code.missingSeparator,
            "report 'out.sarif' is not FORMAT=FILE (for example sarif=audit.sarif)"
        ),
        (
            "=out.sarif", .unknownFormat,
            "report '=out.sarif' names no format; expected one of: text, json, sarif, junit, markdown, html, github"
        ),
        (
            "pdf=out.pdf", .unknownFormat,
            "unknown report format 'pdf'; expected one of: text, json, sarif, junit, markdown, html, github"
        ),
        ("junit=", .missingPath, "report 'junit=' names no file; use junit=FILE, or junit=- for standard output"),
    ])
    func rejectsBadTargets(_ argument: String, _ code: ReportTargetError.Code, _ message: String) {
        #expect {
            try ReportTarget.parse(argument)
        } throws: { error in
            let error = error as! ReportTargetError
            return error.code == code && error.message == message
        }
    }
}
