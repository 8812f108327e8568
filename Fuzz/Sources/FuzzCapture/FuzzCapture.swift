import CaptureReaders

/// A pcap or pcapng capture, through libpcap or the pcapng reader, the link layers, IPv4/IPv6 and UDP
/// decoding and fragment reassembly, with small reassembly limits so that floods reach them. The input is read
/// from a memory stream, through the same stdio reading as a file. Every event's time stamp must keep its
/// invariant and print.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCapture(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let limits = ReassemblyLimits(timeoutSeconds: 30, maxPendingDatagrams: 8, maxPendingBytes: 1 << 16)
    // Any UDP port: the second byte of the input picks between the audited port and "every port".
    let port: UInt16 = size > 1 && data![1] & 1 == 1 ? 0 : CaptureReader.defaultPort
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let reader = try? CaptureReader(bytes: bytes, name: "fuzz", port: port, limits: limits) else { return 0 }
    var events = 0
    for event in reader {
        events += 1
        let timestamp: CaptureTimestamp?
        switch event {
        case .datagram(let datagram): timestamp = datagram.timestamp
        case .truncated(let truncated): timestamp = truncated.timestamp
        case .fragmentMissing(let loss): timestamp = loss.timestamp
        default: timestamp = nil
        }
        if let timestamp {
            guard timestamp.nanoseconds < 1_000_000_000 else { fatalError("time stamp \(timestamp.nanoseconds) ns") }
            _ = timestamp.description
        }
        _ = "\(event)"
    }
    if events > size + 1 { fatalError("\(events) events from \(size) bytes") }
    return 0
}
