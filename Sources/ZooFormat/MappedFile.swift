#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file. Mapping reads nothing; pages are read when touched,
/// so tensors are only read when decoded. The map lives as long as this object.
///
/// If another process truncates the file while it is mapped, reads past the new end see zeros
/// instead of raising SIGBUS (`MappingGuard`); readers call `checkUnchanged` after reading, and
/// on any error, so what they return or report is never built from a file that changed.
public final class MappedFile {
    /// The mapped bytes.
    public let bytes: UnsafeRawBufferPointer
    /// The path the file was opened at (named in errors).
    public let path: String
    private let slot: Int?
    /// A descriptor of the mapped file kept open, so `checkUnchanged` looks at this file even
    /// when the path has since been replaced.
    private let fd: Int32
    private let openedSize: Int
    private let openedModification: timespec

    init(_ file: borrowing FileDescriptor, size: Int) throws(FormatError) {
        path = file.path
        openedSize = size
        var info = stat()
        guard fstat(file.fd, &info) == 0 else { throw FileDescriptor.error("stat", file.path) }
        openedModification = Self.modification(info)
        fd = dup(file.fd)
        guard fd >= 0 else { throw FileDescriptor.error("dup", file.path) }
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            slot = nil
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, file.fd, 0), base != MAP_FAILED else {
            let error = FileDescriptor.error("mmap", file.path)
            close(fd)
            throw error
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
        slot = MappingGuard.register(base, count: size)
    }

    /// Maps the file at `path` (for readers outside this module, such as the store's blobs).
    public convenience init(path: String) throws(FormatError) {
        let file = try FileDescriptor(reading: path)
        let size = try file.size()
        guard size <= UInt64(Int.max) else {
            throw FormatError(.limitExceeded, "\(path) is \(size) bytes, too large to map")
        }
        try self.init(file, size: Int(size))
    }

    /// Asks the kernel to map `range`'s pages now (MADV_POPULATE_READ, Linux 5.14+), in one call
    /// rather than one page fault per page, before a reader goes through all of it. Advice only:
    /// where the kernel does not know it, nothing happens.
    func prefault(_ range: Range<Int>) {
        #if os(Linux)
        guard let base = bytes.baseAddress, !range.isEmpty, range.lowerBound >= 0, range.upperBound <= bytes.count else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = range.lowerBound / page * page
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), range.upperBound - start, 22 /* MADV_POPULATE_READ */)
        #endif
    }

    deinit {
        if let slot { MappingGuard.unregister(slot) }
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
        close(fd)
    }

    /// Whether the file still has the size and modification time it had when it was mapped, and
    /// no read of the map ran past its end.
    public var isUnchanged: Bool {
        if let slot, MappingGuard.faulted(slot) { return false }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return false }
        let now = Self.modification(info)
        return Int(info.st_size) == openedSize && now.tv_sec == openedModification.tv_sec && now.tv_nsec == openedModification.tv_nsec
    }

    /// Throws `io` naming the file when it changed since it was mapped (see `isUnchanged`).
    public func checkUnchanged() throws(FormatError) {
        guard !isUnchanged else { return }
        var info = stat()
        let now = fstat(fd, &info) == 0 ? "; it is now \(info.st_size) bytes" : ""
        throw FormatError(.io, "\(path) changed while it was being read (it was \(openedSize) bytes\(now)): another process truncated or rewrote it; read it again once nothing is writing to it")
    }

    /// Runs `body`, which reads the map, then checks that the file did not change; on an error
    /// from `body` a changed file is reported instead, since that error may come from it.
    @discardableResult
    public func guarded<T>(_ body: () throws(FormatError) -> T) throws(FormatError) -> T {
        let result: T
        do {
            result = try body()
        } catch {
            try checkUnchanged()
            throw error
        }
        try checkUnchanged()
        return result
    }

    private static func modification(_ info: stat) -> timespec {
        #if canImport(Glibc)
        return info.st_mtim
        #else
        return info.st_mtimespec
        #endif
    }
}
