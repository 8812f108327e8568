// usage-audit-bench: benchmarks apart from the tests, one file per benchmark, dispatched by name.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "capture":
    exit(CaptureBenchmark.run(Array(arguments.dropFirst())))
case "parse":
    exit(ParseBenchmark.run(Array(arguments.dropFirst())))
case "check":
    exit(CheckBenchmark.run(Array(arguments.dropFirst())))
default:
    writeStandardError("usage: usage-audit-bench capture|parse|check ...   (see Scripts/bench)")
    exit(arguments.isEmpty ? 0 : 2)
}

/// One line on standard error (Swift 6 forbids touching the C `stderr` global from concurrent code).
func writeStandardError(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}
