#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The readers under test take files (libpcap reads a `FILE *`; `ByteSource` a path or descriptor), so each
/// input goes into an anonymous temporary file, rewound, which `body` reads through its descriptor or through
/// `/dev/fd/N`. The file is closed (and so gone) when `body` returns.
public func withTemporaryFile<Result>(holding bytes: UnsafeRawBufferPointer, _ body: (Int32) -> Result) -> Result {
    guard let file = tmpfile() else { fatalError("tmpfile failed: the fuzzer needs a writable temporary folder") }
    defer { fclose(file) }
    if bytes.count > 0 {
        guard fwrite(bytes.baseAddress, 1, bytes.count, file) == bytes.count else { fatalError("fwrite failed") }
    }
    fflush(file)
    rewind(file)
    return body(fileno(file))
}
