/// One frame as a file format stores it, before any protocol is decoded.
struct RawFrame {
    var timestamp: CaptureTimestamp
    /// Bytes in the file (`caplen`).
    var capturedLength: Int
    /// Bytes on the wire (`len`).
    var originalLength: Int
    /// The interface, numbered across the whole file (pcapng sections add up); 0 for pcap.
    var interface: Int
    /// The interface's link-type number.
    var linkType: Int
    /// The captured bytes; valid until the next call to ``FrameSource/nextFrame()``.
    var bytes: UnsafeRawBufferPointer
    /// The frame's record in the file (header and data), as byte offsets from the start of the capture.
    var record: Range<Int>? = nil
}

enum FrameRead {
    case frame(RawFrame)
    case end
    /// The file cannot be read further; `offset` is the byte offset of the bad record when known.
    case damaged(offset: Int?, reason: String)
}

/// A file format's stream of frames: libpcap for pcap, our block reader for pcapng.
protocol FrameSource: AnyObject {
    func nextFrame() -> FrameRead
    /// libpcap's name for a link type, for messages.
    func linkTypeName(_ linkType: Int) -> String?
    /// The name the file gives an interface (pcapng `if_name`), by its number across the file.
    func interfaceName(_ interface: Int) -> String?
}

extension FrameSource {
    func interfaceName(_ interface: Int) -> String? { nil }
}
