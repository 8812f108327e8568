import CZlib

/// Decompresses a gzip stream as it is read, through zlib: bounded memory whatever the sizes (one window of
/// compressed input, the caller's output buffer), several concatenated members read as one stream (what
/// `cat a.gz b.gz` and `gzip` of appended logs give), and damage reported with its compressed byte offset.
///
/// One owning class per `z_stream`, released in `deinit`.
final class GzipStream {
    /// The first two bytes of every gzip member (RFC 1952).
    static let magic: [UInt8] = [0x1F, 0x8B]

    private var stream = z_stream()
    private var input: [UInt8]
    private var inputStart = 0
    private let readCompressed: (UnsafeMutableRawBufferPointer) -> Int
    private var compressedEnd = false
    /// Compressed bytes consumed by zlib so far: where damage is, when there is some.
    private(set) var compressedOffset = 0
    /// Bytes produced so far.
    private(set) var decompressedBytes = 0
    /// Why the stream cannot be read further, in words for the user; `nil` while it reads well.
    private(set) var error: String?
    private var finished = false
    private var memberOpen = false

    private static let inputChunk = 64 * 1024

    /// - Parameters:
    ///   - alreadyRead: compressed bytes the caller read before it knew they were gzip (kind detection).
    ///   - readCompressed: reads more compressed bytes into the buffer; returns the count, 0 at the end, or
    ///     -1 on a read error (the caller keeps its own words for that).
    init(alreadyRead: [UInt8], readCompressed: @escaping (UnsafeMutableRawBufferPointer) -> Int) {
        input = alreadyRead
        self.readCompressed = readCompressed
        // 16 + 15: a gzip wrapper (not zlib's, not raw deflate) with the largest window.
        let status = inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if status != Z_OK {
            error = "cannot start gzip decompression: \(Self.describe(status, nil))"
            finished = true
        }
        memberOpen = true
    }

    deinit { inflateEnd(&stream) }

    /// Decompresses into `output`; returns the bytes written, 0 at the end of the stream or on damage
    /// (`error` then says what and where).
    func read(into output: UnsafeMutableRawBufferPointer) -> Int {
        guard !finished, output.count > 0 else { return 0 }
        while true {
            if inputStart == input.count, !compressedEnd { refill() }
            if inputStart == input.count, compressedEnd {
                finished = true
                if memberOpen && error == nil {
                    error = "gzip stream cut short at compressed byte \(compressedOffset): its end is missing"
                        + " (the \(decompressedBytes) bytes decompressed before it were read)"
                }
                return 0
            }
            if !memberOpen {
                // Bytes after a complete member: another member, or something that is not gzip.
                guard input[inputStart...].starts(with: Self.magic.prefix(min(2, input.count - inputStart))) else {
                    error = "bytes after the gzip data at compressed byte \(compressedOffset) are not gzip"
                        + " (the \(decompressedBytes) bytes decompressed before them were read)"
                    finished = true
                    return 0
                }
                inflateReset(&stream)
                memberOpen = true
            }
            let available = input.count - inputStart
            let (status, consumed, produced) = input.withUnsafeMutableBytes { raw in
                stream.next_in = raw.baseAddress!.assumingMemoryBound(to: Bytef.self) + inputStart
                stream.avail_in = uInt(available)
                stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(output.count)
                let status = inflate(&stream, Z_NO_FLUSH)
                return (status, available - Int(stream.avail_in), output.count - Int(stream.avail_out))
            }
            inputStart += consumed
            compressedOffset += consumed
            decompressedBytes += produced
            switch status {
            case Z_STREAM_END:
                memberOpen = false
            case Z_OK, Z_BUF_ERROR:
                break
            default:
                let reason = Self.describe(status, stream.msg)
                error = "gzip data damaged at compressed byte \(compressedOffset) (\(reason))"
                    + ": the \(decompressedBytes) bytes decompressed before it were read"
                finished = true
                return produced
            }
            if produced > 0 { return produced }
        }
    }

    private func refill() {
        if inputStart > 0 {
            input.removeAll(keepingCapacity: true)
            inputStart = 0
        }
        input = [UInt8](repeating: 0, count: Self.inputChunk)
        let count = input.withUnsafeMutableBytes { readCompressed($0) }
        if count <= 0 {
            input.removeAll()
            compressedEnd = true
        } else {
            input.removeLast(Self.inputChunk - count)
        }
    }

    private static func describe(_ status: Int32, _ message: UnsafePointer<CChar>?) -> String {
        if let message { return String(cString: message) }
        switch status {
        case Z_DATA_ERROR: return "invalid compressed data"
        case Z_MEM_ERROR: return "out of memory"
        case Z_STREAM_ERROR: return "inconsistent stream state"
        default: return "zlib status \(status)"
        }
    }
}
