#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ZooFormat

// Free function: the class's own `read` would hide the C one.
private func posixRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer?, _ n: Int) -> Int { read(fd, buf, n) }

/// A blob arriving from a registry (formats/store.md, "Pulling"): its bytes go to
/// `.zoo/tmp/pull-<hex>`, named by the digest it must have, so an interrupted pull leaves a file the
/// next pull continues (with a range request from `received`). `finish()` checks size and SHA-256
/// before the blob enters `blobs/sha256/`; a blob that fails is deleted, never stored.
///
/// The partial file is locked (`flock`, exclusive) while this object lives, so two pulls of the same
/// blob take turns instead of appending to one file together.
public final class IncomingBlob {
    /// The digest the blob must have.
    public let digest: Digest
    /// The size the blob must have.
    public let size: Int64
    /// Bytes an earlier, interrupted pull left (kept when they were a prefix of the right size).
    public let resumedBytes: Int64
    /// Bytes in the partial file so far: where the next range request starts.
    public private(set) var received: Int64
    private let store: Store
    private let path: String
    private var fd: Int32
    private var hasher = SHA256Hasher()

    init(store: Store, digest: Digest, size: Int64) throws(StoreError) {
        guard size >= 0 else { throw StoreError(.corrupt, "blob \(digest) has a negative size (\(size))") }
        self.store = store
        self.digest = digest
        self.size = size
        path = store.temporaryDirectory + "/pull-" + digest.hex
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError(.io, "cannot open \(path): \(DiskIO.errnoText())") }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let text = DiskIO.errnoText()
            close(fd)
            throw StoreError(.io, "cannot lock \(path): \(text)")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd)
            throw StoreError(.io, "cannot stat \(path): \(DiskIO.errnoText())")
        }
        var kept = Int64(st.st_size)
        if kept > size {
            // Longer than the blob can be: not a prefix of it. Start over.
            guard ftruncate(fd, 0) == 0 else {
                close(fd)
                throw StoreError(.io, "cannot truncate \(path): \(DiskIO.errnoText())")
            }
            kept = 0
        }
        received = 0
        resumedBytes = kept
        do throws(StoreError) { try hashExisting(kept) } catch {
            close(fd)
            throw error
        }
    }

    /// Hashes the bytes an earlier pull left, so the digest covers the whole blob at the end.
    private func hashExisting(_ count: Int64) throws(StoreError) {
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw StoreError(.io, "cannot seek in \(path): \(DiskIO.errnoText())") }
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var left = count
        while left > 0 {
            let n = posixRead(fd, buffer.baseAddress, Int(min(Int64(chunk), left)))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw StoreError(.io, "cannot read \(path): \(n == 0 ? "file shrank" : DiskIO.errnoText())") }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            left -= Int64(n)
        }
        received = count
    }

    /// Whether every byte has arrived (then only `finish()` is left).
    public var isComplete: Bool { received == size }

    /// Appends bytes that arrived; refuses more than the blob's size.
    public func append(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
        guard Int64(bytes.count) <= size - received else {
            throw StoreError(.corrupt, "the registry sent more than the \(size) bytes blob \(digest) has; nothing of it was stored")
        }
        hasher.update(bytes)
        try DiskIO.writeAll(fd, bytes, path: path)
        received += Int64(bytes.count)
    }

    /// Drops what arrived so far (the server ignored the range request and sends the whole blob).
    public func restart() throws(StoreError) {
        guard ftruncate(fd, 0) == 0, lseek(fd, 0, SEEK_SET) == 0 else {
            throw StoreError(.io, "cannot truncate \(path): \(DiskIO.errnoText())")
        }
        hasher = SHA256Hasher()
        received = 0
    }

    /// Checks size and SHA-256, then fsyncs and renames the file to `blobs/sha256/<hex>`. A blob
    /// that fails the check is deleted (a rerun fetches it again) and `.corrupt` is thrown.
    public func finish() throws(StoreError) {
        try check()
        let target = store.blobPath(digest)
        if DiskIO.fileSize(target) == UInt64(size) {
            try DiskIO.remove(path)
            return
        }
        try DiskIO.fsyncFile(fd, path: path)
        try DiskIO.rename(path, target)
    }

    /// Checks size and SHA-256 like `finish()` but leaves the file where it is and returns its
    /// path: for an artifact that is imported (encoded) rather than stored as it came. Call
    /// `discard()` when done with it.
    public func finishInPlace() throws(StoreError) -> String {
        try check()
        return path
    }

    /// Size and SHA-256; a blob with other content is deleted.
    private func check() throws(StoreError) {
        guard received == size else {
            throw StoreError(.corrupt, "blob \(digest) arrived with \(received) of its \(size) bytes; run the pull again to continue it")
        }
        let got = Digest(finishing: hasher)
        guard got == digest else {
            try? restart()
            try? DiskIO.remove(path)
            throw StoreError(.corrupt, "blob \(digest) arrived with other content (its SHA-256 is \(got)); it was refused and nothing of it was stored")
        }
    }

    /// Removes the partial file (a failed check, or a caller giving up for good).
    public func discard() {
        try? DiskIO.remove(path)
    }

    deinit {
        // Closing releases the lock; the partial file stays for the next pull to continue.
        if fd >= 0 { close(fd) }
    }
}
