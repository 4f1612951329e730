#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory `flock` on a lock file, held until `unlock()` or deinit. The kernel drops it when
/// the process dies, so a killed writer never leaves the store locked.
final class FileLock {
    private var fd: Int32

    /// Blocks until the lock is held: shared (many holders) or exclusive (one holder).
    init(path: String, exclusive: Bool) throws(StoreError) {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError(.io, "cannot open lock file \(path): \(DiskIO.errnoText())") }
        while flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0 {
            if errno == EINTR { continue }
            let text = DiskIO.errnoText()
            close(fd)
            fd = -1
            throw StoreError(.io, "cannot lock \(path): \(text)")
        }
    }

    func unlock() {
        guard fd >= 0 else { return }
        close(fd)  // closing the only descriptor releases the flock
        fd = -1
    }

    deinit { unlock() }
}
