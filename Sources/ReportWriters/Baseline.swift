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
    /// (`JSONObjectStream`): memory stays that of one message or finding of it, however large the report.
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
        try streamed(.stream(read: read, failure: failure), chunk: 1 << 16, path: path)
    }

    /// The fingerprints of a JSON report's text.
    public static func parse(_ bytes: [UInt8], path: String) throws(BaselineError) -> Baseline {
        guard bytes.count <= maximumBytes else {
            throw BaselineError(path: path, reason: "is over the \(maximumBytes >> 20) MiB a baseline may have")
        }
        // A small report is read in one chunk of its own size.
        return try streamed(.memory(bytes), chunk: min(bytes.count, 1 << 16), path: path)
    }

    /// The fingerprints of the report `source` holds, read `chunk` bytes at a time.
    static func streamed(_ source: JSONObjectStream.Source, chunk: Int, path: String) throws(BaselineError) -> Baseline
    {
        var fingerprints: Set<String> = []
        var hasFindings = false
        var withoutFingerprint: Int?  // the first finding without one, from 1
        var formatVersion: JSONValue?
        // `format_version` is read whole whatever it holds; `findings` element by element.
        var stream = JSONObjectStream(source, chunk: chunk, wholeMembers: ["format_version"], maxBytes: maximumBytes)
        do {
            try stream.read { piece in
                switch piece {
                case .member(let name, let value):
                    if name == "format_version" { formatVersion = value }
                case .list(let name):
                    hasFindings = hasFindings || name == "findings"
                case .element(let name, let index, let finding):
                    guard name == "findings" else { return }
                    if case .string(let fingerprint)? = finding["fingerprint"] {
                        fingerprints.insert(fingerprint)
                    } else if withoutFingerprint == nil {
                        withoutFingerprint = index + 1
                    }
                }
            }
        } catch {
            switch error.kind {
            case .unreadable: throw BaselineError(path: path, reason: "cannot be read: \(error.message)")
            case .notJSON: throw BaselineError(path: path, reason: "is not JSON: \(error.message)")
            case .tooLarge:
                throw BaselineError(path: path, reason: "is over the \(maximumBytes >> 20) MiB a baseline may have")
            case .notAnObject:
                throw BaselineError(
                    path: path,
                    reason:
                        "is not a usage-audit JSON report (\(error.message), with no \"findings\" list); make one with --format json"
                )
            }
        }
        guard hasFindings else {
            throw BaselineError(
                path: path,
                reason: "is not a usage-audit JSON report (no \"findings\" list); make one with --format json")
        }
        if let index = withoutFingerprint {
            let version = formatVersion.map { "format_version \($0)" } ?? "no format_version"
            throw BaselineError(
                path: path,
                reason:
                    "finding \(index) has no fingerprint (the report has \(version); a baseline needs format_version 2 or later): run check --format json again to make one"
            )
        }
        return Baseline(path: path, fingerprints: fingerprints)
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
