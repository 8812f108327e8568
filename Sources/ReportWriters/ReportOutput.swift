import Bytes
import Storage
import SystemPackage

/// Where a writer's text goes: kept in a string (`ReportWriter.render`), or written to a file descriptor
/// through a 64 KiB buffer (`ReportWriter.write`), so a report of any length never exists whole in memory.
/// A failed write is remembered, later text is dropped, and the caller reports the failure when it is done.
/// Storage's `OutputBuffer` does the buffering; this adds the ways writers append text.
struct ReportOutput {
    private var buffer: OutputBuffer
    static let bufferSize = 64 * 1024

    /// Keeps everything, for `text`.
    init() { buffer = OutputBuffer() }

    init(descriptor: Int32) {
        buffer = OutputBuffer(descriptor: FileDescriptor(rawValue: descriptor), capacity: Self.bufferSize)
    }

    /// Everything written, for a string output.
    var text: String { String(decoding: buffer.bytes, as: UTF8.self) }

    /// Why a write failed, when one did.
    var failure: String? { buffer.failure.map { "\($0)" } }

    static func += (out: inout ReportOutput, text: String) { out.buffer.append(text) }

    /// Lets a writer build one piece of text and append it.
    mutating func write(_ body: (inout String) -> Void) {
        var piece = ""
        body(&piece)
        buffer.append(piece)
    }

    /// Lets a writer append UTF-8 straight into the buffer: the cheapest way, for the largest reports.
    mutating func writeBytes(_ body: (inout [UInt8]) -> Void) { buffer.write(body) }

    /// Appends a piece built apart, in a `ByteBuffer` (whose appends cost less than an array's).
    mutating func append(_ piece: borrowing ByteBuffer) { buffer.append(piece) }

    /// Appends bytes kept apart (text a writer stored in a spool before it could place it).
    mutating func append(_ raw: UnsafeRawBufferPointer) { buffer.append(raw) }

    /// Writes out what is buffered (nothing for a string output).
    mutating func flush() { buffer.flush() }
}
