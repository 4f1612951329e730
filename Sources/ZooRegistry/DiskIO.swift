#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Free functions, because DiskIO's own `read` and `rename` hide the C ones inside the enum.
private func posixRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer?, _ n: Int) -> Int { read(fd, buf, n) }
private func posixRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }

/// The few POSIX file operations the store needs, with errors that name the path and the cause.
enum DiskIO {
    static func errnoText() -> String { String(cString: strerror(errno)) }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Size of a regular file, or nil when there is none.
    static func fileSize(_ path: String) -> UInt64? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size >= 0 else { return nil }
        return UInt64(st.st_size)
    }

    static func makeDirectory(_ path: String) throws(StoreError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw StoreError(.io, "cannot create directory \(path): \(errnoText())")
        }
    }

    /// Creates `path` and its missing parents.
    static func makeDirectories(_ path: String) throws(StoreError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if !isDirectory(prefix) { try makeDirectory(prefix) }
        }
    }

    /// File names in a directory (no `.` or `..`).
    static func list(_ path: String) throws(StoreError) -> [String] {
        guard let dir = opendir(path) else { throw StoreError(.io, "cannot read directory \(path): \(errnoText())") }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Calls `body` with each entry's name as bytes (no `.` or `..`), without making strings:
    /// the blob directory of a large store holds tens of thousands of names.
    static func forEachName(in path: String, _ body: (UnsafeRawBufferPointer) -> Void) throws(StoreError) {
        guard let dir = opendir(path) else { throw StoreError(.io, "cannot read directory \(path): \(errnoText())") }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let n = raw.firstIndex(of: 0) ?? raw.count
                let name = UnsafeRawBufferPointer(rebasing: raw[..<n])
                if name.count == 1 && name[0] == 0x2E { return }
                if name.count == 2 && name[0] == 0x2E && name[1] == 0x2E { return }
                body(name)
            }
        }
    }

    /// Reads a whole file, refusing one larger than `limit` before allocating.
    static func read(_ path: String, limit: Int) throws(StoreError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let missing = errno == ENOENT
            throw StoreError(missing ? .notFound : .io, "cannot open \(path): \(errnoText())")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError(.io, "cannot stat \(path): \(errnoText())") }
        guard st.st_size >= 0, st.st_size <= limit else {
            throw StoreError(.corrupt, "\(path) is \(st.st_size) bytes, more than the \(limit) allowed")
        }
        let size = Int(st.st_size)
        var failure: StoreError?
        // Uninitialised: zero-filling a large index only to overwrite it cost as much as reading it.
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var done = 0
            while done < size {
                let n = posixRead(fd, buffer.baseAddress.map { $0 + done }, size - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    failure = StoreError(.io, "cannot read \(path): \(n == 0 ? "file shrank" : errnoText())")
                    break
                }
                done += n
            }
            initialized = done
        }
        if let failure { throw failure }
        return bytes
    }

    /// Writes all of `bytes` to `fd`.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(StoreError) {
        var done = 0
        while done < bytes.count {
            guard let base = bytes.baseAddress else { return }
            let n = write(fd, base + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw StoreError(.io, "cannot write \(path): \(errnoText())") }
            done += n
        }
    }

    static func fsyncFile(_ fd: Int32, path: String) throws(StoreError) {
        guard fsync(fd) == 0 else { throw StoreError(.io, "cannot fsync \(path): \(errnoText())") }
    }

    /// Makes a directory's entries (renames, creations) durable.
    static func fsyncDirectory(_ path: String) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError(.io, "cannot open directory \(path): \(errnoText())") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw StoreError(.io, "cannot fsync directory \(path): \(errnoText())") }
    }

    static func rename(_ from: String, _ to: String) throws(StoreError) {
        guard posixRename(from, to) == 0 else { throw StoreError(.io, "cannot rename \(from) to \(to): \(errnoText())") }
    }

    static func remove(_ path: String) throws(StoreError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw StoreError(.io, "cannot remove \(path): \(errnoText())") }
    }

    /// Creates a new temporary file in `directory`, open for writing.
    static func createTemporary(in directory: String, prefix: String) throws(StoreError) -> (fd: Int32, path: String) {
        for _ in 0..<100 {
            let path = directory + "/" + prefix + "-" + TemporaryName.next()
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 { return (fd, path) }
            if errno != EEXIST { throw StoreError(.io, "cannot create a temporary file in \(directory): \(errnoText())") }
        }
        throw StoreError(.io, "cannot find a free temporary file name in \(directory)")
    }

    /// Replaces `path` with `bytes` atomically: temporary file in `temporaryDirectory` (same file
    /// system), fsync, rename, fsync of the target's directory. A reader sees the old file or the
    /// new one, never a mix; a crash leaves at most a temporary file.
    static func replaceAtomically(_ path: String, with bytes: [UInt8], temporaryDirectory: String) throws(StoreError) {
        let (fd, tmp) = try createTemporary(in: temporaryDirectory, prefix: "file")
        do throws(StoreError) {
            try withBytes(bytes) { (buf) throws(StoreError) in try writeAll(fd, buf, path: tmp) }
            try fsyncFile(fd, path: tmp)
        } catch {
            close(fd)
            try? remove(tmp)
            throw error
        }
        close(fd)
        do { try rename(tmp, path) } catch {
            try? remove(tmp)
            throw error
        }
        try fsyncDirectory(parent(of: path))
    }

    /// `Array.withUnsafeBytes` keeping the error type (the standard one rethrows `any Error`).
    static func withBytes<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(StoreError) -> R) throws(StoreError) -> R {
        let result: Result<R, StoreError> = bytes.withUnsafeBytes { buf in
            do throws(StoreError) { return .success(try body(buf)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
