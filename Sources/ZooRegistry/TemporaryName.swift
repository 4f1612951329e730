#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Unique names for temporary files: process id, a per-process counter and the clock, so two
/// writers (or two threads) never pick the same name. Names only; nothing random about results.
enum TemporaryName {
    private static let counter = Atomic<Int>(0)

    static func next() -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return "\(getpid())-\(n)-\(ts.tv_sec)\(ts.tv_nsec)"
    }
}
