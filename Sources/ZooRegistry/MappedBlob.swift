#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blob mapped read-only into memory: a tensor stream is handed to decoders and writers without
/// copying. The bytes stay valid while this object lives.
public final class MappedBlob {
    /// The blob's bytes.
    public let bytes: UnsafeRawBufferPointer
    private let mapping: UnsafeMutableRawPointer?
    private let length: Int

    /// Maps the file at `path`.
    init(path: String) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw StoreError(errno == ENOENT ? .corrupt : .io, "cannot open blob \(path): \(DiskIO.errnoText())")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size >= 0 else { throw StoreError(.io, "cannot stat \(path): \(DiskIO.errnoText())") }
        length = Int(st.st_size)
        if length == 0 {
            mapping = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let p = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw StoreError(.io, "cannot map \(path): \(DiskIO.errnoText())") }
        mapping = p
        bytes = UnsafeRawBufferPointer(start: p, count: length)
    }

    deinit {
        if let mapping { munmap(mapping, length) }
    }
}
