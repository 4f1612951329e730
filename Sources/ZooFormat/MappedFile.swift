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

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
