import AuditModel
import Foundation
import JSONCore
import Storage

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

    /// Reads the `findings[].fingerprint` of a JSON report written by `check --format json`.
    public static func load(path: String) throws(BaselineError) -> Baseline {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readBytes(path, atMost: maximumBytes)
        } catch {
            throw BaselineError(path: path, reason: "cannot be read: \(error.reason)")
        }
        guard bytes.count <= maximumBytes else {
            throw BaselineError(path: path, reason: "is over the \(maximumBytes >> 20) MiB a baseline may have")
        }
        return try parse(bytes, path: path)
    }

    /// The fingerprints of a JSON report's text.
    public static func parse(_ bytes: [UInt8], path: String) throws(BaselineError) -> Baseline {
        let document: JSONValue
        // Up to the size a baseline may have: the parser's default limit, 16 MiB, refused the report of a
        // 20,000-message run.
        do { document = try JSONValue.parse(bytes, options: JSONParseOptions(maxBytes: maximumBytes)) } catch {
            throw BaselineError(path: path, reason: "is not JSON: \(error)")
        }
        guard case .object(let top) = document, case .array(let findings)? = top["findings"] else {
            throw BaselineError(
                path: path, reason: "is not a usage-audit JSON report (no \"findings\" list); make one with --format json")
        }
        var fingerprints: Set<String> = []
        for (index, finding) in findings.enumerated() {
            guard case .object(let members) = finding, case .string(let fingerprint)? = members["fingerprint"] else {
                let version = top["format_version"].map { "format_version \($0)" } ?? "no format_version"
                throw BaselineError(
                    path: path,
                    reason:
                        "finding \(index + 1) has no fingerprint (the report has \(version); a baseline needs format_version 2 or later): run check --format json again to make one"
                )
            }
            fingerprints.insert(fingerprint)
        }
        return Baseline(path: path, fingerprints: fingerprints)
    }
}

/// A `--baseline` file that cannot serve as one: which file, and why.
public struct BaselineError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "baseline \(path) \(reason)" }
}
