// usage-audit-bench: benchmarks apart from the tests, one file per benchmark, dispatched by name.
import SystemPackage

// `exit(3)`, which swift-system does not wrap.
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
case "validate":
    exit(ValidateBenchmark.main(Array(arguments.dropFirst())))
default:
    writeStandardError("usage: usage-audit-bench capture|parse|check|validate ...   (see Scripts/bench)")
    exit(arguments.isEmpty ? 0 : 2)
}

/// One line on standard error (Swift 6 forbids touching the C `stderr` global from concurrent code).
func writeStandardError(_ line: String) {
    _ = Array((line + "\n").utf8).withUnsafeBytes { FileDescriptor.standardError.writeAll($0) }
}
