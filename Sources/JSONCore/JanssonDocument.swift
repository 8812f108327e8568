import CJansson

/// Owns one jansson tree: the only place in the package that holds a `json_t*`.
///
/// A parse creates one document, converts its tree into ``JSONValue`` and lets it go; `deinit` drops the
/// single reference jansson handed out, on every path including errors.
final class JanssonDocument {
    let root: UnsafeMutablePointer<json_t>

    init(root: UnsafeMutablePointer<json_t>) { self.root = root }

    deinit { json_decref(root) }

    /// Loads `bytes` with the flags usage-audit always wants: any top-level value, duplicate keys rejected,
    /// `\u0000` kept in strings.
    static func load(_ bytes: UnsafeRawBufferPointer) -> Result<JanssonDocument, JanssonLoadError> {
        var error = json_error_t()
        let flags = JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafePointer<CChar>(bitPattern: 1)!
        guard let root = json_loadb(base, bytes.count, Int(flags), &error) else {
            let text = withUnsafeBytes(of: error.text) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            return .failure(JanssonLoadError(code: json_error_code(&error), position: Int(error.position), text: text))
        }
        return .success(JanssonDocument(root: root))
    }
}

/// jansson's own report of a failed load: its error code, the byte position it stopped at, its text.
struct JanssonLoadError: Error {
    let code: json_error_code
    let position: Int
    let text: String
}
