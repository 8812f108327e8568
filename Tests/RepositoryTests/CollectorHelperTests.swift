import Foundation
import JSONCore
import TestSupport
import Testing

/// `Scripts/parsl-to-collector` (a `sitecustomize.py` for `PYTHONPATH`) sends a Python client's usage
/// datagrams to a local `usage-audit listen`. Tested with a real `listen` and a Python sender written the way
/// Parsl's `udp_messenger` sends: resolve the tracker's name, then `sendto` it, from a child process started
/// with the spawn method (as Parsl's sender is).
@Suite("The collector helper for Python clients")
struct CollectorHelperTests {
    static let python = Repository.onPath("python3")
    static let helper = Repository.url("Scripts/parsl-to-collector")

    /// A Parsl-shaped level-3 run: the start through `getaddrinfo` in the main process, the end through
    /// `gethostbyname` in a spawned child.
    static let client = #"""
        import json, multiprocessing, socket, sys, uuid

        TRACKER = "tracking.parsl-project.org"

        def udp_messenger(domain_name, port, message):
            address = socket.gethostbyname(domain_name)
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.sendto(message, (address, port))

        if __name__ == "__main__":
            port = int(sys.argv[1])
            correlator = str(uuid.uuid4())
            config = {"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": False}
            start = {"correlator": correlator, "parsl_v": "2026.10.26", "python_v": "3.11.7", "platform.system": "Linux",
                     "tracking_level": 3, "components": [config, "parsl.executors.threads.ThreadPoolExecutor"], "start": 1795555185}
            end = {"correlator": correlator, "end": 1795555190, "execution_time": 5,
                   "components": [{"c": "parsl.dataflow.dflow.DataFlowKernel", "app_count": 6, "app_fails": 1}, config,
                                  "parsl.executors.threads.ThreadPoolExecutor"]}
            family, kind, _, _, address = socket.getaddrinfo(TRACKER, port, socket.AF_INET, socket.SOCK_DGRAM)[0]
            socket.socket(family, kind).sendto(b"1" + json.dumps(start).encode(), address)
            sender = multiprocessing.get_context("spawn").Process(
                target=udp_messenger, args=(TRACKER, port, b"1" + json.dumps(end).encode()))
            sender.start()
            sender.join()
            print(correlator)
            sys.exit(sender.exitcode)
        """#

    @Test(.enabled(if: python != nil, "python3 is not installed"))
    func aPythonClientsDatagramsReachTheCollector() throws {
        let python = try #require(Self.python)
        let folder = try TemporaryDirectory.make("usage-audit-collector-helper")
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("usage.journal"), report = folder.appendingPathComponent("usage.json")
        let collector = try BackgroundProgram(
            ProcessRunner.usageAudit,
            ["listen", "--port", "0", "--journal", journal.path, "--max-messages", "2", "--duration", "60",
             "--level", "3", "--report", "json=\(report.path)", "--output", "/dev/null"],
            outputIn: folder)
        let listening = try NSRegularExpression(pattern: #"listening on 127\.0\.0\.1:([0-9]+)"#)
        var port: String?
        let deadline = Date().addingTimeInterval(30)
        while port == nil && Date() < deadline && collector.process.isRunning {
            let text = collector.stderrSoFar
            if let match = listening.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) {
                port = String(text[Range(match.range(at: 1), in: text)!])
            } else {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        let boundPort = try #require(port, "listen did not start: \(collector.stderrSoFar)")

        let script = folder.appendingPathComponent("workflow.py")
        try Self.client.write(to: script, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = [Self.helper.path, environment["PYTHONPATH"]].compactMap { $0 }.filter { !$0.isEmpty }
            .joined(separator: ":")
        let client = try ProcessRunner.run(
            python, [script.path, boundPort], currentDirectory: folder, environment: environment, timeout: 60)
        #expect(client.status == 0, "the client failed: \(client.stderr)")
        let correlator = client.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let stopped = collector.finish(within: 30)
        #expect(stopped.status == 0, "listen: \(stopped.stderr)")
        let json = try JSONValue.parse(Array(try Data(contentsOf: report)))
        #expect(json["summary"]?["messages"] == .integer(2), "\(json)")
        let messages = json["messages"]?.arrayValue ?? []
        #expect(Set(messages.compactMap { $0["kind"]?.stringValue }) == ["start", "end"])
        #expect(messages.allSatisfy { $0["correlator"]?.stringValue == correlator })
        #expect(json["findings"]?.arrayValue?.isEmpty == true, "a clean level-3 run: \(json["findings"] ?? .null)")
    }

    @Test(.enabled(if: python != nil, "python3 is not installed"))
    func onlyTheTrackersNameIsMapped() throws {
        let python = try #require(Self.python)
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = Self.helper.path
        let probe = #"""
            import socket
            print(socket.gethostbyname("TRACKING.parsl-project.org."))
            print(socket.gethostbyname_ex("tracking.parsl-project.org")[2][0])
            print(socket.getaddrinfo("localhost", 1, socket.AF_INET)[0][4][0])
            try:
                socket.gethostbyname("tracking.parsl-project.org.invalid")
                print("resolved")
            except OSError:
                print("unresolved")
            """#
        let result = try ProcessRunner.run(python, ["-c", probe], environment: environment, timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n") == ["127.0.0.1", "127.0.0.1", "127.0.0.1", "unresolved"], "\(result.stdout)")
    }
}
