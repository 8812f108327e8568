import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What was observed, through the built executable, on real recordings: who sent a leak whatever the order
/// of the inputs, and what a clean `listen` run's HTML page says was sent.
@Suite("observations and senders, end to end")
struct ObservationsEndToEndTests {
    /// A real level-3 run naming the user's own provider, with a project name: its capture and its log.
    static let capture = "Fixtures/real/2026.10.26/level3-htex-acme-project.pcap"
    static let log = "Fixtures/real/2026.10.26/level3-htex-acme-project.parsl.log"

    @Test(arguments: [[capture, log], [log, capture]])
    func everyFindingNamesItsSenderWhateverTheOrderOfTheInputs(inputs: [String]) throws {
        let report = try JSONReport(Binary.run(["check", "--format", "json"] + inputs))
        #expect(report.findingRules.contains("privacy.user-code-identifier"))
        for finding in report.findings {
            let from = (finding["network"] as? [String: Any])?["from"] as? String
            #expect(from?.hasPrefix("127.0.0.1:") == true, "\(finding["rule"] ?? "?") at \(finding["source"] ?? "?")")
        }
        // Reported at the first observation: the input listed first.
        #expect(report.findings.allSatisfy { $0["source"] as? String == inputs[0] })
        let hosts = report.json["hosts"] as? [[String: Any]] ?? []
        #expect(hosts.map { $0["address"] as? String } == ["127.0.0.1"])
        let counted = (hosts.first?["findings"] as? [String: Int])?.values.reduce(0, +)
        #expect(counted == report.findings.count, "the host inventory counts every finding under its sender")
    }

    /// Two real level-3 sessions (`Fixtures/real/2026.10.26/two-workflows.wire`, one end ahead of its
    /// start) sent to `listen`: a clean run, whose HTML matrix counts all four messages.
    @Test func aCleanListenRunsHTMLMatrixCountsEveryMessage() throws {
        let folder = try Binary.temporaryDirectory()
        let ready = folder.appendingPathComponent("ready").path
        let page = folder.appendingPathComponent("report.html").path
        let wire = try String(
            contentsOf: Binary.root.appendingPathComponent("Fixtures/real/2026.10.26/two-workflows.wire"),
            encoding: .utf8)
        let datagrams = wire.split(separator: "\n").map { Array($0.utf8) }
        let result = try ProcessRunnerInBackground.run(
            [
                "listen", "--port", "0", "--journal", folder.appendingPathComponent("run.journal").path,
                "--ready-file", ready, "--max-messages", "\(datagrams.count)", "--quiet", "--format", "html",
                "--output", page,
            ],
            whileRunning: {
                let port = try ReadyFile.port(at: ready)
                let sender = try UDPSender()
                for datagram in datagrams { try sender.send(datagram, to: port) }
            })
        #expect(result.status == 0, "a clean run: \(result.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("in how many of the \(datagrams.count) decoded messages audited"))
        #expect(!html.contains("whose content this report kept"))
        // The correlator of every start and every end was seen, at level 3.
        #expect(html.contains("seen in \(datagrams.count / 2) messages"))
    }
}

/// Runs the executable while `body` talks to it, and waits for it to exit on its own.
enum ProcessRunnerInBackground {
    static func run(_ arguments: [String], whileRunning body: () throws -> Void, seconds: Double = 60) throws
        -> Binary.Result
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = arguments
        process.currentDirectoryURL = Binary.root
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        do { try body() } catch {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw error
        }
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            Issue.record("listen did not stop within \(seconds) s")
        }
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return Binary.Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}
