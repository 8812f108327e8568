/// Strings made once per thread from bytes that repeat: the fast reader's interned strings
/// (`FastJSONReader.Scratch`), for other readers of short, repeated text. Report preparation reads every
/// finding's rule id, input name and pointer back from the spool, the same few strings hundreds of thousands
/// of times: a digest and a `memcmp` instead of a UTF-8 check, an allocation and a release each time.
public enum InternedStrings {
    /// `String(decoding: bytes, as: UTF8.self)`: the one this thread made for the same bytes when it still
    /// holds it, else a new one (kept when short). Keyed by the exact bytes, so invalid UTF-8 gets the
    /// repaired string it always gets.
    public static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        let raw = bytes.assumingMemoryBound(to: UInt8.self)
        return FastJSONReader.Scratch.forThisThread().string(raw, digest: FastJSONReader.Scratch.digest(raw))
    }
}
