import Bytes
import Crypto

/// `--identities`: user and host names to test G0's hashed `uname` and `hname` against. G0 sent the first
/// 10 hex digits of SHA-256 of the name's Latin-1 bytes: a short hash a list of a site's names reverses, and
/// a match is the proof that the field identifies a person or a machine.
public struct IdentityTable: Sendable {
    /// The names by their G0 hash.
    private let names: [String: String]

    /// At most this many names are kept (a name list, not a dictionary attack).
    public static let limit = 1_000_000

    public init(names: some Sequence<String>) {
        var table: [String: String] = [:]
        for name in names where table.count < Self.limit {
            guard let hash = Self.g0Hash(of: name), table[hash] == nil else { continue }
            table[hash] = name
        }
        self.names = table
    }

    /// Reads a file of one name per line; blank lines and lines starting with `#` are skipped.
    public init(text: String) {
        self.init(
            names: text.split(whereSeparator: \.isNewline).lazy
                .map { line in
                    let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
                    return String(line.drop(while: blank).reversed().drop(while: blank).reversed())
                }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }

    public var count: Int { names.count }
    public var isEmpty: Bool { names.isEmpty }

    /// The listed name whose G0 hash `value` is.
    public func name(hashedAs value: String) -> String? { names[value.lowercased()] }

    /// G0's hash of a name: the first 10 hex digits of SHA-256 of its Latin-1 bytes; `nil` for a name
    /// Latin-1 cannot encode (G0 could not have sent it).
    public static func g0Hash(of name: String) -> String? {
        var bytes: [UInt8] = []
        for scalar in name.unicodeScalars {
            guard scalar.value <= 0xFF else { return nil }
            bytes.append(UInt8(scalar.value))
        }
        return LowerHex.string(SHA256.hash(data: bytes).prefix(5))
    }
}
