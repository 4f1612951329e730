#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A safetensors file opened for reading: the header validated as the reference implementation
/// validates it, the data memory-mapped.
///
/// Opening reads only the 8-byte length and the header; tensor bytes are paged in from the map
/// when `bytes(of:)`'s result is touched, so listing a file's tensors costs the same for any size.
public final class SafetensorsFile {
    /// The file's path, as given.
    public let path: String
    /// Tensors in the order of their data in the file.
    public let tensors: [SafetensorsEntry]
    /// The `__metadata__` map, if the header has one.
    public let metadata: [String: String]?
    /// The validated header, with the metadata's key order.
    public let header: SafetensorsHeader
    /// Length of the JSON header in bytes (without the 8-byte length before it).
    public let headerSize: Int
    /// Whole file length in bytes.
    public let fileSize: Int
    /// Whether the header is byte for byte the one `SafetensorsWriter` (and the official writer)
    /// would write for these tensors and metadata; when false a round trip keeps every tensor and
    /// metadata value but not the header's exact bytes.
    public let isCanonical: Bool

    private let map: UnsafeMutableRawPointer?

    /// Opens and validates `path`; throws `FormatError` naming what is wrong.
    public init(path: String) throws(FormatError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw FormatError(.io, "cannot open \(path): \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            throw FormatError(.io, "cannot stat \(path): \(String(cString: strerror(code)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FormatError(.invalidArgument, "\(path) is not a regular file")
        }
        let size = Int(info.st_size)
        fileSize = size
        guard size >= 8 else {
            throw FormatError(.truncated, "\(path) is \(size) bytes, too short for a safetensors file (it starts with an 8-byte header length); the file is truncated or not safetensors")
        }
        var lengthBytes = [UInt8](repeating: 0, count: 8)
        try lengthBytes.withUnsafeMutableBytesTyped { (buffer) throws(FormatError) in
            try Self.readExactly(fd, into: buffer, at: 0, path: path)
        }
        let declared = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard declared <= UInt64(SafetensorsHeader.maxHeaderSize) else {
            throw FormatError(.limitExceeded, "\(path) declares a \(declared)-byte header, over the \(SafetensorsHeader.maxHeaderSize)-byte limit of the safetensors reference reader; the file is corrupt or not safetensors")
        }
        let headerLength = Int(declared)
        guard headerLength <= size - 8 else {
            throw FormatError(.truncated, "\(path) declares a \(headerLength)-byte header but only \(size - 8) bytes follow the length; the file is truncated or not safetensors")
        }
        headerSize = headerLength
        var headerBytes = [UInt8](repeating: 0, count: headerLength)
        try headerBytes.withUnsafeMutableBytesTyped { (buffer) throws(FormatError) in
            try Self.readExactly(fd, into: buffer, at: 8, path: path)
        }
        let parsed: SafetensorsHeader
        do throws(FormatError) {
            parsed = try headerBytes.withUnsafeBytesTyped { (buffer) throws(FormatError) in
                try SafetensorsHeader.parse(buffer, dataLength: size - 8 - headerLength)
            }
        } catch {
            throw FormatError(error.kind, "\(path): \(error.message)")
        }
        header = parsed
        tensors = parsed.tensors
        metadata = parsed.metadataMap
        isCanonical = parsed.serialized() == headerBytes
        if size > 0 {
            let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
            guard let mapped, mapped != MAP_FAILED else {
                let code = errno
                throw FormatError(.io, "cannot memory-map \(path): \(String(cString: strerror(code)))")
            }
            map = mapped
        } else {
            map = nil
        }
    }

    deinit {
        if let map { munmap(map, fileSize) }
    }

    /// Offset of the data section from the start of the file.
    public var dataStart: Int { 8 + headerSize }

    /// The raw bytes of `entry` (valid while the file object lives). `entry` must come from `tensors`.
    public func bytes(of entry: SafetensorsEntry) -> UnsafeRawBufferPointer {
        guard let map, entry.dataOffsets.upperBound <= fileSize - dataStart else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeRawBufferPointer(start: map + dataStart + entry.dataOffsets.lowerBound, count: entry.dataOffsets.count)
    }

    /// The entry named `name`, if there is one.
    public func entry(named name: String) -> SafetensorsEntry? {
        tensors.first { $0.name == name }
    }

    static func readExactly(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int, path: String) throws(FormatError) {
        var done = 0
        while done < buffer.count {
            guard let base = buffer.baseAddress else { return }
            let n = pread(fd, base + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw FormatError(.io, "cannot read \(path): \(String(cString: strerror(code)))")
            }
            if n == 0 {
                throw FormatError(.truncated, "\(path) ends at byte \(offset + done), before the \(buffer.count)-byte block at \(offset); the file is truncated")
            }
            done += n
        }
    }
}
