import AuditModel
import Foundation
import Storage
import SystemPackage

/// Where a writer's text goes: kept in a string (`ReportWriter.render`), or written to a file descriptor
/// through a 64 KiB buffer (`ReportWriter.write`), so a report of any length never exists whole in memory.
/// A failed write is remembered, later text is dropped, and the caller reports the failure when it is done.
struct ReportOutput {
    /// UTF-8 bytes not yet written (all of them for a string output).
    private(set) var bytes: [UInt8] = []
    private let descriptor: Int32?
    private(set) var failure: String?
    static let bufferSize = 64 * 1024

    /// Keeps everything, for `text`.
    init() { descriptor = nil }

    init(descriptor: Int32) {
        self.descriptor = descriptor
        bytes.reserveCapacity(Self.bufferSize * 2)
    }

    /// Everything written, for a string output.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    static func += (out: inout ReportOutput, text: String) {
        out.append(text)
        out.flushIfFull()
    }

    /// Lets a writer build one piece of text and append it.
    mutating func write(_ body: (inout String) -> Void) {
        var piece = ""
        body(&piece)
        append(piece)
        flushIfFull()
    }

    /// Lets a writer append UTF-8 straight into the buffer: the cheapest way, for the largest reports.
    mutating func writeBytes(_ body: (inout [UInt8]) -> Void) {
        body(&bytes)
        flushIfFull()
    }

    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    private mutating func flushIfFull() {
        if descriptor != nil && bytes.count >= Self.bufferSize { flush() }
    }

    /// Writes out what is buffered (nothing for a string output).
    mutating func flush() {
        guard let descriptor else { return }
        defer { bytes.removeAll(keepingCapacity: true) }
        guard failure == nil else { return }
        failure = bytes.withUnsafeBytes { FileDescriptor(rawValue: descriptor).writeAll($0).failure }.map { "\($0)" }
    }
}
