import AuditInputs
import AuditModel
import Collector
import Foundation
import JSONCore
import TestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A checker double with one easy-to-see rule, so the collector's machinery (receive, journal, live check, stop,
/// report) is tested on its own; `ListenWithCheckerTests` runs the real checker.
final class MarkerChecker: LiveRecordChecker {
    /// Payloads holding this get an error finding.
    static let marker = Array("acme_genomics".utf8)
    private(set) var checked: [Locator] = []

    func check(_ record: InputRecord, source: String) -> LiveStep {
        var (message, findings) = checkOne(record, source: source)
        // As the real checker does: what it says about a record carries the record's network evidence.
        message?.network = record.network
        for i in findings.indices { findings[i].network = record.network }
        return LiveStep(message: message, findings: findings)
    }

    private func checkOne(_ record: InputRecord, source: String) -> (message: AuditedMessage?, findings: [Finding]) {
        checked.append(record.locator)
        switch record.payload {
        case .datagram(let bytes):
            let message = AuditedMessage(source: source, locator: record.locator, kind: .start)
            guard contains(bytes, Self.marker) else { return (message, []) }
            let finding = Finding(
                rule: "test.marker", severity: .error, source: source, locator: record.locator,
                message: "names acme_genomics", sensitiveValues: ["acme_genomics"])
            return (message, [finding])
        case .problem(let problem):
            let message =
                problem.isMessage
                ? AuditedMessage(source: source, locator: record.locator, kind: .unknown, parsed: false) : nil
            return (
                message,
                [
                    Finding(
                        rule: "test.problem", severity: .warning, source: source, locator: record.locator,
                        message: "\(problem)")
                ]
            )
        default:
            return (nil, [])
        }
    }

    func finish() -> LiveStep {
        LiveStep(findings: [
            Finding(
                rule: "test.finished", severity: .note, source: "checker", locator: nil,
                message: "\(checked.count) records")
        ])
    }

    var rules: [RuleDescriptor] {
        [RuleDescriptor(id: "test.marker", defaultSeverity: .error, summary: "marker", help: "marker")]
    }
    var liveDisclosure: DisclosureMatrix? { nil }

    private func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}

/// Live lines, collected for assertions.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []
    var lines: [String] { lock.withLock { collected } }
    var output: LiveOutput {
        LiveOutput(
            write: { line in self.lock.withLock { self.collected.append(line) } },
            redact: { line, finding in
                finding.sensitiveValues.reduce(line) { $0.replacingOccurrences(of: $1, with: "***") }
            })
    }
}

/// A plain UDP client socket, as Parsl's sender is: one datagram per message, no connection.
final class UDPClient {
    let descriptor: Int32
    let family: Int32

    init(ipv6: Bool = false) throws {
        family = ipv6 ? AF_INET6 : AF_INET
        #if canImport(Glibc)
            descriptor = socket(family, Int32(SOCK_DGRAM.rawValue), 0)
        #else
            descriptor = socket(family, SOCK_DGRAM, 0)
        #endif
        guard descriptor >= 0 else { throw ClientError(message: "socket: \(errno)") }
        // A large send buffer so bursts leave the client whole; pacing decides what the collector sees.
        var size: Int32 = 4 << 20
        setsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(descriptor) }

    /// Sends `payload` to `port` on the loopback address of the client's family.
    func send(_ payload: [UInt8], to port: Int) throws {
        let sent: Int
        if family == AF_INET {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            sent = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                    payload.withUnsafeBytes {
                        sendto(descriptor, $0.baseAddress, $0.count, 0, raw, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
        } else {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            address.sin6_addr = in6addr_loopback
            sent = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                    payload.withUnsafeBytes {
                        sendto(descriptor, $0.baseAddress, $0.count, 0, raw, socklen_t(MemoryLayout<sockaddr_in6>.size))
                    }
                }
            }
        }
        guard sent == payload.count else {
            throw ClientError(message: "sendto sent \(sent) of \(payload.count): \(errno)")
        }
    }

    /// The client's own port, as the collector sees it.
    var localPort: Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return withUnsafeBytes(of: storage) { raw in
            Int(UInt16(raw[2]) << 8 | UInt16(raw[3]))  // sin_port and sin6_port sit at the same offset
        }
    }

    /// Whether anything came back to the client (the collector must never answer).
    func receivedAnything() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let got = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        return got >= 0
    }

    struct ClientError: Error { var message: String }
}

/// Every record of a journal file, read back as `check` reads it.
func readJournal(_ path: String) throws -> (records: [InputRecord], readError: String?) {
    let reader = try InputOpener.open(path: path)
    var records: [InputRecord] = []
    while let record = reader.next() { records.append(record) }
    return (records, reader.readError)
}

/// Waits (up to `seconds`) until `condition` holds.
func eventually(_ seconds: Double = 30, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        try? await Task.sleep(nanoseconds: 5_000_000)
    }
    return try condition()
}

/// Real-shaped Parsl datagrams (see docs/protocol.md).
enum ParslDatagrams {
    static let correlator = "4eae03f1-f34e-40de-8bbe-38017acbc1f4"
    static let startLevel1 = Array(
        #"1{"correlator": "\#(correlator)", "parsl_v": "2026.10.26", "python_v": "3.11.7", "platform.system": "Linux", "tracking_level": 1}"#
            .utf8)
    static let startLevel3 = Array(
        #"1{"correlator": "\#(correlator)", "parsl_v": "2026.10.26", "python_v": "3.11.7", "platform.system": "Linux", "tracking_level": 3, "components": [{"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": false}, "parsl.executors.threads.ThreadPoolExecutor", "acme_genomics.cluster.AcmeProvider"], "start": 1795555185}"#
            .utf8)
    static let endLevel3 = Array(
        #"1{"correlator": "\#(correlator)", "end": 1795555190, "execution_time": 5, "components": [{"c": "parsl.dataflow.dflow.DataFlowKernel", "app_count": 6, "app_fails": 1}, {"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": false}, "parsl.executors.threads.ThreadPoolExecutor", "acme_genomics.cluster.AcmeProvider"]}"#
            .utf8)
}
