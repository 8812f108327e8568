// usage-audit-bench: one benchmark per file; this only dispatches on the first argument.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "validate":
    exit(ValidateBenchmark.main(Array(arguments.dropFirst())))
default:
    writeStandardError("usage: usage-audit-bench validate --schema FILE --corpus FILE [--threads N]... [--repeat N]")
    exit(2)
}

/// One line on standard error (Swift 6 forbids touching the C `stderr` global from concurrent code).
func writeStandardError(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}
