import Bytes
import SystemPackage

/// Bytes gathered in one buffer and written to a descriptor when it fills, so that a piece of output costs an
/// append, not a system call, and output of any length never exists whole in memory; or, without a
/// descriptor, all kept (`bytes`), for output wanted as a string. After the first failed write nothing more
/// is written; `failure` says why, and the producer can stop or report it when done.
///
/// What `validate` writes its results through, and what every report writer writes into (`ReportOutput`).
public struct OutputBuffer {
    private let descriptor: FileDescriptor?
    /// Bytes not yet written (all of them without a descriptor).
    public private(set) var bytes: [UInt8] = []
    private let capacity: Int
    public private(set) var failure: Errno?

    /// Keeps everything.
    public init() {
        descriptor = nil
        capacity = 0
    }

    public init(descriptor: FileDescriptor, capacity: Int = 1 << 16) {
        self.descriptor = descriptor
        self.capacity = capacity
        bytes.reserveCapacity(capacity * 2)
    }

    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
        flushIfFull()
    }

    public mutating func append(_ more: [UInt8]) {
        bytes.append(contentsOf: more)
        flushIfFull()
    }

    /// A piece built apart (a report element), copied in at once; a piece as large as the buffer (a run of
    /// report elements) is written from where it lies, after what the buffer holds, rather than copied.
    public mutating func append(_ piece: borrowing ByteBuffer) {
        if let descriptor, piece.count >= capacity {
            flush()
            guard failure == nil else { return }
            failure = piece.withUnsafeBytes { descriptor.writeAll($0).failure }
            return
        }
        piece.withUnsafeBytes { bytes.append(contentsOf: $0) }
        flushIfFull()
    }

    public mutating func append(_ raw: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: raw)
        flushIfFull()
    }

    public mutating func append(byte: UInt8) {
        bytes.append(byte)
        flushIfFull()
    }

    /// Lets `body` write into the buffer directly (a serializer that appends to a byte array).
    public mutating func write(_ body: (inout [UInt8]) -> Void) {
        body(&bytes)
        flushIfFull()
    }

    private mutating func flushIfFull() {
        if descriptor != nil && bytes.count >= capacity { flush() }
    }

    /// Writes out what the buffer holds (nothing without a descriptor).
    public mutating func flush() {
        guard let descriptor else { return }
        defer { bytes.removeAll(keepingCapacity: true) }
        guard failure == nil, !bytes.isEmpty else { return }
        failure = bytes.withUnsafeBytes { descriptor.writeAll($0).failure }
    }
}
