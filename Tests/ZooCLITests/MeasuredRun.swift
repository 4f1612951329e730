import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `zoo` as a child process and reports, besides its exit, the child's peak
/// resident memory (`wait4`'s `ru_maxrss`), which Foundation's `Process` does not give.
struct MeasuredRun {
    /// How the child ended.
    var status: Int32
    /// The signal that ended it, or 0 when it exited.
    var signal: Int32
    var stderr: String
    /// Peak resident set size in KiB.
    var maxRSSKiB: Int

    /// Runs `zoo arguments` with stdout discarded and stderr kept (in a file in `scratch`), under a
    /// virtual-memory cap of `capKiB` (`ulimit -v` in a shell that then execs zoo, same process).
    static func zoo(_ arguments: [String], scratch: String, capKiB: Int) throws -> MeasuredRun {
        let errPath = scratch + "/stderr-\(getpid()).txt"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ["/bin/sh", "-c", "ulimit -v \(capKiB) && exec \"$0\" \"$@\"", ZooRunner.binary] + arguments
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, &cArgs, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        unlink(errPath)
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift cannot import (macros).
        let signal = status & 0x7F
        return MeasuredRun(status: signal == 0 ? (status >> 8) & 0xFF : -1, signal: signal, stderr: stderr,
                           maxRSSKiB: Int(usage.ru_maxrss))
    }
}
