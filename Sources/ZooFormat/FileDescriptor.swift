#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A thin owner of a POSIX file descriptor: every call loops over short reads and writes and
/// EINTR, and turns errno into a `FormatError` of kind `io` naming the path.
struct FileDescriptor: ~Copyable {
    let fd: Int32
    let path: String

    /// Opens `path` for reading.
    init(reading path: String) throws(FormatError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.error("open", path) }
        self.fd = fd
        self.path = path
    }

    /// Creates `path`, which must not exist, for writing.
    init(creating path: String) throws(FormatError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Self.error("create", path) }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// The file's size in bytes.
    func size() throws(FormatError) -> UInt64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Self.error("stat", path) }
        return UInt64(max(0, info.st_size))
    }

    /// Reads exactly `count` bytes at `offset`; fewer bytes in the file is `truncated`.
    func read(count: Int, at offset: UInt64) throws(FormatError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress.map { $0 + done }, count - done, off_t(offset) + off_t(done))
            }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw Self.error("read", path) }
            guard n > 0 else {
                throw FormatError(.truncated, "\(path): the file ends at byte \(offset + UInt64(done)), before the \(count) bytes expected at offset \(offset); it is truncated")
            }
            done += n
        }
        return bytes
    }

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws(FormatError) {
        var done = 0
        while done < bytes.count, let base = bytes.baseAddress {
            #if canImport(Glibc)
            let n = Glibc.write(fd, base + done, bytes.count - done)
            #else
            let n = Darwin.write(fd, base + done, bytes.count - done)
            #endif
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Self.error("write", path) }
            done += n
        }
    }

    /// Flushes the file's data to stable storage.
    func sync() throws(FormatError) {
        guard fsync(fd) == 0 else { throw Self.error("fsync", path) }
    }

    /// An `io` error for the failed `operation` on `path`, from `errno`.
    static func error(_ operation: String, _ path: String) -> FormatError {
        let code = errno
        let reason = String(cString: strerror(code))
        return FormatError(.io, "\(path): cannot \(operation): \(reason) (errno \(code))")
    }
}
