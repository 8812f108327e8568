import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a child process cost: its exit status and its own peak resident memory. Unlike the test process's
/// peak (`measure`), which parallel tests share, this one belongs to a single run.
public struct ChildResourceUse: Sendable, CustomStringConvertible {
    public var status: Int32
    public var peakResidentMiB: Double
    public var description: String { "exit status \(status), peak memory \(peakResidentMiB.rounded()) MiB" }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `executable` with `arguments` to its end, standard input from `/dev/null`, standard output to the
    /// file `stdoutPath` (created or truncated) and standard error to `/dev/null`, and gives its exit status
    /// (128 + the signal for one that was killed) and its peak resident memory.
    ///
    /// On Linux the peak is the child's `VmHWM`, read from `/proc` every few milliseconds while it runs: the
    /// kernel's count for a reaped child (`wait4`) also holds the test process's own peak, because
    /// `posix_spawn` starts the child in the parent's memory and the kernel records that memory's high-water
    /// mark at `exec`. `VmHWM` only grows, so a sample misses at most the last milliseconds of growth.
    public static func run(_ executable: String, _ arguments: [String], stdoutPath: String) throws -> ChildResourceUse {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        var sampledKiB = 0
        while true {
            let reaped = wait4(pid, &status, WNOHANG, &usage)
            if reaped == pid { break }
            guard reaped == 0 || errno == EINTR else {
                throw Failure(description: "wait4: \(String(cString: strerror(errno)))")
            }
            sampledKiB = max(sampledKiB, highWaterMarkKiB(of: pid) ?? 0)
            usleep(5_000)
        }
        let signal = status & 0x7F
        #if os(Linux)
            let peakMiB = Double(sampledKiB) / 1024
        #else
            let peakMiB = Double(usage.ru_maxrss) / (1024 * 1024)  // bytes on Darwin, where spawning copies nothing
        #endif
        return ChildResourceUse(status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal, peakResidentMiB: peakMiB)
    }

    /// The `VmHWM` line of `/proc/PID/status`, in KiB; `nil` where there is no such file (not Linux, or the
    /// process is gone).
    private static func highWaterMarkKiB(of pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return Int(line.dropFirst("VmHWM:".count).split(separator: " ").first ?? "")
    }
}
