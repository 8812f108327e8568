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
default:
    print("usage: usage-audit-bench capture ...   (see Scripts/bench-capture)")
    exit(arguments.isEmpty ? 0 : 2)
}
