import CPcap

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failed libpcap call: its status and libpcap's own message.
struct LibpcapError: Error {
    let status: Int32
    let message: String
}

/// Reads a pcap file through libpcap's offline API; owns the `pcap_t`, closed in `deinit`.
///
/// libpcap is the reference reader for pcap (every byte-order, precision and link-type-header variant, the
/// modified formats some old tools wrote), and its record reader is fast. We open every file in nanosecond
/// precision so that nanosecond captures keep their digits.
final class LibpcapFrameSource: FrameSource {
    private let handle: OpaquePointer
    private let linkType: Int
    /// Bytes before each record's data: 16, or 24 in Kuznetzov's modified format.
    private let recordHeaderLength: Int
    /// Where the next record starts, counted from the start of the capture: libpcap does not say, and a
    /// pipe has no position to ask, so it is added up from the file header and each record's length.
    private var nextRecordOffset = 24

    /// Takes ownership of `file`: libpcap closes it with the handle, and this initializer closes it on failure.
    init(file: UnsafeMutablePointer<FILE>, path: String, modifiedFormat: Bool = false) throws(CaptureOpenError) {
        recordHeaderLength = modifiedFormat ? 24 : 16
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard
            let handle = pcap_fopen_offline_with_tstamp_precision(
                file, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer)
        else {
            fclose(file)
            throw CaptureOpenError(
                code: .badHeader, message: errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) },
                path: path)
        }
        self.handle = handle
        self.linkType = Int(pcap_datalink(handle))
    }

    deinit {
        pcap_close(handle)
    }

    /// Every libpcap status goes through here: `PCAP_ERROR` and the other negative codes (but the end of
    /// file, `PCAP_ERROR_BREAK` for `pcap_next_ex`) throw with `pcap_geterr`'s text.
    @discardableResult
    private func check(_ status: Int32, endOfFileIsError: Bool = true) throws(LibpcapError) -> Int32 {
        if status >= 0 || (!endOfFileIsError && status == PCAP_ERROR_BREAK) { return status }
        throw LibpcapError(status: status, message: String(cString: pcap_geterr(handle)))
    }

    func nextFrame() -> FrameRead {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        let status: Int32
        do {
            status = try check(pcap_next_ex(handle, &header, &data), endOfFileIsError: false)
        } catch {
            return .damaged(offset: nil, reason: error.message)
        }
        guard status == 1, let header, let data else { return .end }
        let record = header.pointee
        let recordStart = nextRecordOffset
        nextRecordOffset += recordHeaderLength + Int(record.caplen)
        // In nanosecond precision libpcap puts nanoseconds in `tv_usec`: the file's fraction field, scaled by
        // 1,000 for a microsecond file, and never checked against a second, so it may hold several.
        let timestamp = CaptureTimestamp(seconds: Int64(record.ts.tv_sec), nanoseconds: Int64(record.ts.tv_usec))
        return .frame(
            RawFrame(
                timestamp: timestamp, capturedLength: Int(record.caplen), originalLength: Int(record.len),
                interface: 0, linkType: linkType,
                bytes: UnsafeRawBufferPointer(start: data, count: Int(record.caplen)),
                record: recordStart..<nextRecordOffset))
    }

    func linkTypeName(_ linkType: Int) -> String? {
        pcap_datalink_val_to_name(Int32(linkType)).map { String(cString: $0) }
    }
}
