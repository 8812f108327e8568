// The capture-reader benchmark: generates a large capture of mixed traffic, then scans it with
// CaptureReader, printing MB/s and datagrams/s. Scripts/bench-capture runs it beside tshark.

import Bytes
import CaptureReaders
import Storage
import SystemPackage

enum CaptureBenchmark {
    static let usage = """
        usage: usage-audit-bench capture generate FILE MEGABYTES [pcap|pcapng]
               usage-audit-bench capture scan FILE [PORT]
               usage-audit-bench capture hex FILE [PORT]   (each payload in hex, as tshark -e data prints it)
        """

    /// Runs `capture generate` or `capture scan`; returns the exit status.
    static func run(_ arguments: [String]) -> Int32 {
        switch (arguments.first, arguments.count) {
        case ("generate", 3), ("generate", 4):
            guard let megabytes = Int(arguments[2]), megabytes > 0 else { break }
            let pcapng = arguments.count == 4 && arguments[3] == "pcapng"
            return generate(path: arguments[1], bytes: megabytes << 20, pcapng: pcapng)
        case ("scan", 2), ("scan", 3):
            let port = arguments.count == 3 ? UInt16(arguments[2]) : CaptureReader.defaultPort
            guard let port else { break }
            return scan(path: arguments[1], port: port)
        case ("hex", 2), ("hex", 3):
            let port = arguments.count == 3 ? UInt16(arguments[2]) : CaptureReader.defaultPort
            guard let port else { break }
            return printHex(path: arguments[1], port: port)
        default:
            break
        }
        printError(usage)
        return 2
    }

    static func printError(_ message: String) { writeStandardError(message) }

    /// Reads every event; prints one line of figures and a checksum of the payloads (so the work cannot be
    /// optimised away and two runs can be compared).
    static func scan(path: String, port: UInt16) -> Int32 {
        let start = now()
        let reader: CaptureReader
        do {
            reader = try CaptureReader(path: path, port: port)
        } catch {
            printError("usage-audit-bench: \(error)")
            return 2
        }
        var datagrams = 0, payloadBytes = 0, other = 0
        var checksum: UInt64 = 0xcbf2_9ce4_8422_2325
        for event in reader {
            switch event {
            case .datagram(let datagram):
                datagrams += 1
                payloadBytes += datagram.payload.count
                for byte in datagram.payload { checksum = (checksum ^ UInt64(byte)) &* 0x100_0000_01b3 }
            default:
                other += 1
            }
        }
        let seconds = now() - start
        let fileBytes = (try? FilePath(path).stat()).map { Int($0.size) } ?? reader.statistics.frameBytes
        let megabytes = Double(fileBytes) / 1_048_576
        print(
            "capture-reader format=\(reader.format) bytes=\(fileBytes) frames=\(reader.statistics.frames)"
                + " datagrams=\(datagrams) other_events=\(other) payload_bytes=\(payloadBytes)"
                + " seconds=\(format(seconds)) mb_per_s=\(format(megabytes / seconds))"
                + " datagrams_per_s=\(Int(Double(datagrams) / seconds))"
                + " checksum=\(String(checksum, radix: 16))")
        return 0
    }

    /// Prints each datagram's payload as lowercase hex, one per line: tshark's `-T fields -e data` output,
    /// so the two can be compared byte for byte.
    static func printHex(path: String, port: UInt16) -> Int32 {
        let reader: CaptureReader
        do {
            reader = try CaptureReader(path: path, port: port)
        } catch {
            printError("usage-audit-bench: \(error)")
            return 2
        }
        // Straight to descriptor 1 in large blocks: the C `stdout` global is not concurrency-safe in Swift 6.
        var output = BufferedFile(descriptor: .standardOutput)
        for event in reader {
            guard case .datagram(let datagram) = event else { continue }
            for byte in datagram.payload {
                output.append(LowerHex.digit(byte >> 4))
                output.append(LowerHex.digit(byte))
            }
            output.append(10)
        }
        if let failure = output.finish() {
            printError("usage-audit-bench: cannot write the payloads: \(failure)")
            return 2
        }
        return 0
    }

    static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    // MARK: Generation

    /// Writes a capture of about `bytes` bytes: per round, usage datagrams to 50077 (IPv4 and, every tenth
    /// round, IPv6; every fiftieth, a 3000-byte one in three IPv4 fragments), DNS queries, UDP to other
    /// ports, TCP to 443 and to 50077, ARP.
    static func generate(path: String, bytes target: Int, pcapng: Bool) -> Int32 {
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.create, .truncate],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            printError("usage-audit-bench: cannot write \(path): \(error)")
            return 2
        }
        defer { try? file.close() }
        var writer = GeneratedCapture(file: BufferedFile(descriptor: file), pcapng: pcapng)
        var round = 0
        var usageCount = 0
        while writer.written < target {
            round += 1
            let usage = usagePayload(round, length: 200 + (round * 37) % 600)
            writer.frame(
                ethernetIPv4(udp(from: 40000, to: 50077, usage), identification: UInt16(truncatingIfNeeded: round)))
            usageCount += 1
            writer.frame(
                ethernetIPv4(
                    udp(
                        from: 53001, to: 53,
                        Array("\u{12}4\u{1}\0\0\u{1}\0\0\0\0\0\0\u{7}example\u{3}org\0\0\u{1}\0\u{1}".utf8))))
            writer.frame(
                ethernetIPv4(
                    tcp(from: 51000, to: 443, Array(repeating: UInt8(round & 0xFF), count: 1400)), protocolNumber: 6))
            writer.frame(ethernetIPv4(udp(from: 40001, to: 50078, Array(usage.prefix(120)))))
            writer.frame(ethernetIPv4(tcp(from: 51001, to: 50077, Array(usage.prefix(300))), protocolNumber: 6))
            writer.frame(arp())
            writer.frame(ethernetIPv4(tcp(from: 443, to: 51000, Array(repeating: 0x17, count: 900)), protocolNumber: 6))
            if round % 10 == 0 {
                writer.frame(ethernetIPv6(udp(from: 40002, to: 50077, usage)))
                usageCount += 1
            }
            if round % 50 == 0 {
                let datagram = udp(from: 40003, to: 50077, usagePayload(round, length: 3000))
                for offset in stride(from: 0, to: datagram.count, by: 1480) {
                    let end = min(offset + 1480, datagram.count)
                    writer.frame(
                        ethernetIPv4(
                            Array(datagram[offset..<end]), identification: UInt16(truncatingIfNeeded: round),
                            fragmentOffset: offset, moreFragments: end < datagram.count))
                }
                usageCount += 1
            }
        }
        if let failure = writer.file.finish() {
            printError("usage-audit-bench: cannot write \(path): \(failure)")
            return 2
        }
        print("generated \(path): \(writer.written) bytes, \(writer.frames) frames, \(usageCount) usage datagrams")
        return 0
    }

    static func usagePayload(_ marker: Int, length: Int) -> [UInt8] {
        var text =
            "1{\"correlator\": \"c3bf30a7-ed8b-4470-ad92-\(String(100_000_000_000 + marker).suffix(12))\", "
            + "\"parsl_v\": \"2026.10.26\", \"python_v\": \"3.11.7\", \"platform.system\": \"Linux\", "
            + "\"tracking_level\": 2, \"components\": [\"parsl.executors.threads.ThreadPoolExecutor\""
        while text.utf8.count + 40 < length { text += ", \"parsl.providers.LocalProvider\"" }
        return Array((text + "]}").utf8)
    }

    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func be32(_ value: UInt32) -> [UInt8] { be16(UInt16(value >> 16)) + be16(UInt16(value & 0xFFFF)) }

    static func udp(from source: UInt16, to destination: UInt16, _ payload: [UInt8]) -> [UInt8] {
        be16(source) + be16(destination) + be16(UInt16(8 + payload.count)) + [0, 0] + payload
    }

    static func tcp(from source: UInt16, to destination: UInt16, _ payload: [UInt8]) -> [UInt8] {
        be16(source) + be16(destination) + be32(1) + be32(1) + [0x50, 0x18, 0xFF, 0xFF, 0, 0, 0, 0] + payload
    }

    static let macs: [UInt8] = [0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01]

    static func ethernetIPv4(
        _ payload: [UInt8], protocolNumber: UInt8 = 17, identification: UInt16 = 1, fragmentOffset: Int = 0,
        moreFragments: Bool = false
    ) -> [UInt8] {
        let flags = UInt16(fragmentOffset / 8) | (moreFragments ? 0x2000 : 0)
        let header =
            [0x45, 0] + be16(UInt16(20 + payload.count)) + be16(identification) + be16(flags)
            + [64, protocolNumber, 0, 0] + be32(0xC0A8_0A05) + be32(0x80C8_0B0C)
        return macs + [0x08, 0x00] + header + payload
    }

    static func ethernetIPv6(_ payload: [UInt8]) -> [UInt8] {
        let address: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [5]
        return macs + [0x86, 0xDD] + [0x60, 0, 0, 0] + be16(UInt16(payload.count)) + [17, 64] + address + address
            + payload
    }

    static func arp() -> [UInt8] {
        macs + [0x08, 0x06] + [0, 1, 8, 0, 6, 4, 0, 1] + Array(repeating: 0xAB, count: 20)
    }
}

/// Writes frames as pcap (microseconds, little-endian) or pcapng (one Ethernet interface).
struct GeneratedCapture {
    var file: BufferedFile
    let pcapng: Bool
    private(set) var written = 0
    private(set) var frames = 0

    init(file: BufferedFile, pcapng: Bool) {
        self.file = file
        self.pcapng = pcapng
        if pcapng {
            write(
                le32(0x0A0D_0D0A) + le32(28) + le32(0x1A2B_3C4D) + [1, 0, 0, 0] + Array(repeating: 0xFF, count: 8)
                    + le32(28))
            write(le32(1) + le32(20) + [1, 0, 0, 0] + le32(0) + le32(20))
        } else {
            write(le32(0xA1B2_C3D4) + [2, 0, 4, 0] + le32(0) + le32(0) + le32(262_144) + le32(1))
        }
    }

    private func le32(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
    }

    private mutating func write(_ bytes: [UInt8]) {
        file.append(contentsOf: bytes)
        written += bytes.count
    }

    mutating func frame(_ bytes: [UInt8]) {
        frames += 1
        let microseconds = UInt64(1_795_555_185) * 1_000_000 + UInt64(frames) * 37
        if pcapng {
            let padding = (4 - bytes.count % 4) % 4
            let length = UInt32(32 + bytes.count + padding)
            write(
                le32(6) + le32(length) + le32(0) + le32(UInt32(microseconds >> 32))
                    + le32(UInt32(microseconds & 0xFFFF_FFFF)) + le32(UInt32(bytes.count)) + le32(UInt32(bytes.count))
                    + bytes + Array(repeating: 0, count: padding) + le32(length))
        } else {
            write(
                le32(UInt32(microseconds / 1_000_000)) + le32(UInt32(microseconds % 1_000_000))
                    + le32(UInt32(bytes.count)) + le32(UInt32(bytes.count)) + bytes)
        }
    }
}

/// Bytes gathered into 1 MiB blocks before each goes out in one `write`: a generated capture is written frame
/// by frame, and a system call per frame would time the kernel rather than the generator. The first failure
/// is kept and later bytes are dropped; `finish` writes the rest and reports it.
struct BufferedFile {
    let descriptor: FileDescriptor
    private var pending: [UInt8] = []
    private var failure: Errno?
    private static let blockBytes = 1 << 20

    init(descriptor: FileDescriptor) {
        self.descriptor = descriptor
        pending.reserveCapacity(Self.blockBytes)
    }

    mutating func append(_ byte: UInt8) {
        pending.append(byte)
        if pending.count >= Self.blockBytes { flush() }
    }

    mutating func append(contentsOf bytes: [UInt8]) {
        pending.append(contentsOf: bytes)
        if pending.count >= Self.blockBytes { flush() }
    }

    /// Writes what is pending; the first failure, if any.
    mutating func finish() -> Errno? {
        flush()
        return failure
    }

    private mutating func flush() {
        if failure == nil { failure = pending.withUnsafeBytes { descriptor.writeAll($0).failure } }
        pending.removeAll(keepingCapacity: true)
    }
}
