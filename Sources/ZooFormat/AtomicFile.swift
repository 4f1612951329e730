#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers for writing a file so that it appears whole or not at all: write a temporary file beside
/// the target, fsync it, rename it over the target, fsync the folder.
enum AtomicFile {
    /// A hidden name in the target's folder (rename is atomic only within one file system).
    static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(folder).\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Creates `temporaryPath` exclusively for writing.
    static func create(_ temporaryPath: String, finalPath: String) throws(FormatError) -> Int32 {
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            throw FormatError(.io, "cannot create \(finalPath) (temporary file \(temporaryPath)): \(String(cString: strerror(code))); check the folder exists and is writable")
        }
        return fd
    }

    /// Writes all of `bytes`, retrying short writes and interrupted calls.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(FormatError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, base + done, bytes.count - done)
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw FormatError(.io, "cannot write \(path): \(String(cString: strerror(code)))")
            }
            done += n
        }
    }

    /// fsyncs and closes `fd`, renames the temporary file onto `finalPath` and fsyncs the folder.
    static func commit(_ fd: Int32, temporaryPath: String, finalPath: String) throws(FormatError) {
        if fsync(fd) != 0 {
            let code = errno
            close(fd)
            unlink(temporaryPath)
            throw FormatError(.io, "cannot flush \(finalPath) to disk: \(String(cString: strerror(code)))")
        }
        close(fd)
        if rename(temporaryPath, finalPath) != 0 {
            let code = errno
            unlink(temporaryPath)
            throw FormatError(.io, "cannot move the finished file to \(finalPath): \(String(cString: strerror(code)))")
        }
        let slash = finalPath.lastIndex(of: "/")
        let folder = slash.map { String(finalPath[...$0]) } ?? "."
        let dirfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 { _ = fsync(dirfd); close(dirfd) }
    }
}
