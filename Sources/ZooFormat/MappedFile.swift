#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file. Mapping reads nothing; pages are read when touched,
/// so tensors are only read when decoded. The map lives as long as this object.
final class MappedFile {
    /// The mapped bytes.
    let bytes: UnsafeRawBufferPointer

    init(_ file: borrowing FileDescriptor, size: Int) throws(FormatError) {
        guard size > 0 else { bytes = UnsafeRawBufferPointer(start: nil, count: 0); return }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, file.fd, 0), base != MAP_FAILED else {
            throw FileDescriptor.error("mmap", file.path)
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
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
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
