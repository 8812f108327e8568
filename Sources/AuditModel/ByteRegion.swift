/// Where a frame or record sits in a binary input: its first byte's offset from the start of the input's
/// bytes (as read, after any decompression) and its length, header included. SARIF reports it as the
/// result's region, since a capture or a journal has no lines.
public struct ByteRegion: Sendable, Hashable {
    public var offset: Int
    public var length: Int

    public init(offset: Int, length: Int) {
        self.offset = offset
        self.length = length
    }
}
