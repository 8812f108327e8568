#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What running a piece of hostile input cost: wall-clock time and how far the process's peak resident
/// memory rose.
public struct ResourceUse: Sendable, CustomStringConvertible {
    public var seconds: Double
    /// Growth of the process's peak resident set, in MiB. Tests run in parallel in one process, so this can
    /// include another test's peak: bounds on it must be generous, but a blow-up still shows.
    public var peakGrowthMiB: Double
    public var description: String {
        "\((seconds * 1000).rounded() / 1000) s, peak memory +\(peakGrowthMiB.rounded()) MiB"
    }
}

/// Runs `body` and measures what it cost.
public func measure<Result>(_ body: () throws -> Result) rethrows -> (Result, ResourceUse) {
    let peakBefore = peakResidentMiB()
    let start = ContinuousClock.now
    let result = try body()
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return (result, ResourceUse(seconds: seconds, peakGrowthMiB: peakResidentMiB() - peakBefore))
}

/// The process's peak resident set so far, in MiB.
public func peakResidentMiB() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
        getrusage(RUSAGE_SELF, &usage)
    #endif
    #if canImport(Darwin)
        return Double(usage.ru_maxrss) / (1024 * 1024)  // bytes on Darwin
    #else
        return Double(usage.ru_maxrss) / 1024  // KiB on Linux
    #endif
}
