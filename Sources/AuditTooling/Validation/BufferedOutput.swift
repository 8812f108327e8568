import JSONCore
import Storage
import SystemPackage

/// Bytes gathered in one buffer and written to a descriptor when it fills, so that a result costs an append,
/// not a system call. After the first failed write nothing more is written; `failure` says why, and the
/// producer can stop.
struct BufferedOutput {
    private let descriptor: FileDescriptor
    private var buffer: [UInt8] = []
    private let capacity: Int
    private(set) var failure: Errno?

    init(descriptor: FileDescriptor, capacity: Int = 1 << 16) {
        self.descriptor = descriptor
        self.capacity = capacity
        buffer.reserveCapacity(capacity + 4096)
    }

    mutating func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        flushIfFull()
    }

    mutating func append(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        flushIfFull()
    }

    mutating func append(byte: UInt8) {
        buffer.append(byte)
    }

    /// `number` in decimal, without making a `String` of it.
    mutating func append(decimal number: Int) {
        JSONValue.writeInteger(Int64(number), to: &buffer)
    }

    /// Lets `body` write into the buffer directly (a serializer that appends to a byte array).
    mutating func write(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        flushIfFull()
    }

    private mutating func flushIfFull() {
        if buffer.count >= capacity { flush() }
    }

    /// Writes out what the buffer holds.
    mutating func flush() {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard failure == nil, !buffer.isEmpty else { return }
        failure = buffer.withUnsafeBytes { descriptor.writeAll($0).failure }
    }
}
