import AuditModel
import Foundation

/// Where a writer's text goes: kept in a string (`ReportWriter.render`), or written to a file descriptor
/// through a 64 KiB buffer (`ReportWriter.write`), so a report of any length never exists whole in memory.
/// A failed write is remembered, later text is dropped, and the caller reports the failure when it is done.
struct ReportOutput {
    private(set) var text = ""
    private let descriptor: Int32?
    private(set) var failure: String?
    static let bufferSize = 64 * 1024

    /// Keeps everything in `text`.
    init() { descriptor = nil }

    init(descriptor: Int32) {
        self.descriptor = descriptor
        text.reserveCapacity(Self.bufferSize * 2)
    }

    static func += (out: inout ReportOutput, text: String) {
        out.text += text
        out.flushIfFull()
    }

    /// Lets a writer append straight into the buffer (no intermediate string).
    mutating func write(_ body: (inout String) -> Void) {
        body(&text)
        flushIfFull()
    }

    private mutating func flushIfFull() {
        if descriptor != nil && text.utf8.count >= Self.bufferSize { flush() }
    }

    /// Writes out what is buffered (nothing for a string output).
    mutating func flush() {
        guard let descriptor else { return }
        defer { text.removeAll(keepingCapacity: true) }
        guard failure == nil else { return }
        failure = text.withUTF8 { Self.writeAll($0, to: descriptor) }
    }

    /// Writes every byte to a descriptor; the system's reason on failure.
    static func writeAll(_ bytes: UnsafeBufferPointer<UInt8>, to descriptor: Int32) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += written
        }
        return nil
    }
}

/// The temporary spools one rendering makes (sorts, joins), so that a failure to read any of them back is
/// found and reported, not mistaken for the end of the data.
final class ScratchSpools {
    let configuration: SpoolConfiguration
    private var stores: [SpoolStore] = []

    init(configuration: SpoolConfiguration) { self.configuration = configuration }

    func makeStore() -> SpoolStore {
        let store = SpoolStore(configuration: configuration)
        stores.append(store)
        return store
    }

    var readFailure: SpoolError? { stores.lazy.compactMap(\.readFailure).first }
}
