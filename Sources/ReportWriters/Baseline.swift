import AuditModel
import Foundation
import JSONCore
import Storage
import SystemPackage

/// The findings accepted as they are (`--baseline REPORT.json`): the fingerprints of an earlier JSON
/// report. A finding of this run with one of them is baselined: reported, but not counted toward
/// `--fail-on`, so a CI job fails only on what is new.
public struct Baseline: Sendable {
    /// The file as the user named it.
    public let path: String
    public let fingerprints: Set<String>

    public init(path: String, fingerprints: Set<String>) {
        self.path = path
        self.fingerprints = fingerprints
    }

    public func contains(_ fingerprint: String) -> Bool { fingerprints.contains(fingerprint) }

    /// The largest baseline read: a JSON report that size lists millions of findings, far more than a
    /// baseline a person accepts.
    public static let maximumBytes = 512 << 20

    /// Reads the `findings[].fingerprint` of a JSON report written by `check --format json`, as a stream
    /// (`BaselineReader`): memory stays that of one message or finding of it, however large the report.
    public static func load(path: String) throws(BaselineError) -> Baseline {
        let file: FileDescriptor
        do { file = try FileDescriptor.open(FilePath(path), .readOnly) } catch {
            throw BaselineError(path: path, reason: "cannot be read: \(error)")
        }
        defer { try? file.close() }
        var failure: Errno?
        let read = { (buffer: UnsafeMutableRawBufferPointer) -> Int in
            do { return try file.read(into: buffer, retryOnInterrupt: true) } catch {
                failure = error as? Errno ?? .ioError
                return -1
            }
        }
        return try load(path: path, reading: read) { failure.map { "\($0)" } }
    }

    /// Reads a baseline, named `path`, from bytes that `read` serves into the buffer it is given: the count,
    /// 0 at the end, or -1 when it failed, `failure` then saying why. How the CLI hands over a baseline through
    /// `ByteSource`, which decompresses a gzip-compressed one.
    public static func load(
        path: String, reading read: @escaping (UnsafeMutableRawBufferPointer) -> Int,
        failure: @escaping () -> String?
    ) throws(BaselineError) -> Baseline {
        var reader = BaselineReader(.stream(read: read, failure: failure), path: path)
        return try baseline(of: reader.read(), path: path)
    }

    /// The fingerprints of a JSON report's text.
    public static func parse(_ bytes: [UInt8], path: String) throws(BaselineError) -> Baseline {
        guard bytes.count <= maximumBytes else {
            throw BaselineError(path: path, reason: "is over the \(maximumBytes >> 20) MiB a baseline may have")
        }
        // A small report is read in one chunk of its own size.
        var reader = BaselineReader(.memory(bytes), path: path, chunk: min(bytes.count, 1 << 16))
        return try baseline(of: reader.read(), path: path)
    }

    private static func baseline(of contents: BaselineReader.Contents, path: String) throws(BaselineError) -> Baseline {
        guard contents.hasFindings else {
            throw BaselineError(
                path: path,
                reason: "is not a usage-audit JSON report (no \"findings\" list); make one with --format json")
        }
        if let index = contents.findingWithoutFingerprint {
            let version = contents.formatVersion.map { "format_version \($0)" } ?? "no format_version"
            throw BaselineError(
                path: path,
                reason:
                    "finding \(index) has no fingerprint (the report has \(version); a baseline needs format_version 2 or later): run check --format json again to make one"
            )
        }
        return Baseline(path: path, fingerprints: contents.fingerprints)
    }
}

/// A `--baseline` file that cannot serve as one: which file, and why.
public struct BaselineError: Error, Sendable, CustomStringConvertible {
    public var path: String
    /// Read after the name: "cannot be read: ...", "is not JSON: ...".
    public var reason: String
    public var description: String { "baseline \(path) \(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
