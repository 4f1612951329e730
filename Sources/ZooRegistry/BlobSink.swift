#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ZooFormat

/// A blob being written: bytes go to a temporary file in the store and are hashed on the way;
/// `finish()` fsyncs and renames the file to `blobs/sha256/<digest>`, or drops it when that blob
/// exists already (content addressing: identical bytes are stored once).
final class BlobSink {
    private var fd: Int32
    private let temporaryPath: String
    private var hasher = SHA256Hasher()
    private(set) var size: UInt64 = 0
    private var finished = false

    init(store: Store) throws(StoreError) {
        (fd, temporaryPath) = try DiskIO.createTemporary(in: store.temporaryDirectory, prefix: "blob")
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
        hasher.update(bytes)
        try DiskIO.writeAll(fd, bytes, path: temporaryPath)
        size += UInt64(bytes.count)
    }

    /// Puts the blob in place; returns its digest and whether its bytes were new to the store.
    func finish(into store: Store) throws(StoreError) -> (digest: Digest, isNew: Bool) {
        finished = true
        let digest = Digest(finishing: hasher)
        let target = store.blobPath(digest)
        defer { close(fd); fd = -1 }
        if DiskIO.fileSize(target) == size {
            try DiskIO.remove(temporaryPath)
            return (digest, false)
        }
        try DiskIO.fsyncFile(fd, path: temporaryPath)
        try DiskIO.rename(temporaryPath, target)
        return (digest, true)
    }

    deinit {
        if fd >= 0 { close(fd) }
        if !finished { try? DiskIO.remove(temporaryPath) }
    }
}
