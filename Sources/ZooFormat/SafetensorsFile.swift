/// A safetensors file opened for reading: the header validated as the reference implementation
/// validates it, the data memory-mapped.
///
/// Opening reads only the 8-byte length and the header; tensor bytes are paged in from the map
/// when `bytes(of:)`'s result is touched, so listing a file's tensors costs the same for any size.
/// A file truncated or rewritten by another process meanwhile reads as zeros past its new end,
/// never a signal: read tensors inside `guarded` (or call `checkUnchanged` after), which then
/// throws an `io` error naming the file.
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

    private let map: MappedFile

    /// Opens and validates `path`; throws `FormatError` naming what is wrong.
    public init(path: String) throws(FormatError) {
        self.path = path
        let file = try FileDescriptor(reading: path)
        let size64 = try file.size()
        guard size64 >= 8, size64 <= UInt64(Int.max) else {
            throw FormatError(.truncated, "\(path) is \(size64) bytes, too short for a safetensors file (it starts with an 8-byte header length); the file is truncated or not safetensors")
        }
        let size = Int(size64)
        fileSize = size
        let lengthBytes = try file.read(count: 8, at: 0)
        let declared = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard declared <= UInt64(SafetensorsHeader.maxHeaderSize) else {
            throw FormatError(.limitExceeded, "\(path) declares a \(declared)-byte header, over the \(SafetensorsHeader.maxHeaderSize)-byte limit of the safetensors reference reader; the file is corrupt or not safetensors")
        }
        let headerLength = Int(declared)
        guard headerLength <= size - 8 else {
            throw FormatError(.truncated, "\(path) declares a \(headerLength)-byte header but only \(size - 8) bytes follow the length; the file is truncated or not safetensors")
        }
        headerSize = headerLength
        let headerBytes = try file.read(count: headerLength, at: 8)
        let parsed: SafetensorsHeader
        do throws(FormatError) {
            parsed = try headerBytes.withBytes { (buffer) throws(FormatError) in
                try SafetensorsHeader.parse(buffer, dataLength: size - 8 - headerLength)
            }
        } catch {
            throw FormatError(error.kind, "\(path): \(error.message)")
        }
        header = parsed
        tensors = parsed.tensors
        metadata = parsed.metadataMap
        isCanonical = parsed.serialized() == headerBytes
        map = try MappedFile(file, size: size)
    }

    /// Offset of the data section from the start of the file.
    public var dataStart: Int { 8 + headerSize }

    /// The raw bytes of `entry` (valid while the file object lives). `entry` must come from `tensors`.
    public func bytes(of entry: SafetensorsEntry) -> UnsafeRawBufferPointer {
        guard entry.dataOffsets.upperBound <= fileSize - dataStart else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeRawBufferPointer(rebasing: map.bytes[(dataStart + entry.dataOffsets.lowerBound)..<(dataStart + entry.dataOffsets.upperBound)])
    }

    /// Throws `io` naming the file when it was truncated or rewritten since it was opened.
    public func checkUnchanged() throws(FormatError) {
        try map.checkUnchanged()
    }

    /// `body` (which reads tensor bytes), then `checkUnchanged`; on an error from `body`, a
    /// changed file is reported instead.
    @discardableResult
    public func guarded<T>(_ body: () throws(FormatError) -> T) throws(FormatError) -> T {
        try map.guarded(body)
    }

    /// The entry named `name`, if there is one.
    public func entry(named name: String) -> SafetensorsEntry? {
        tensors.first { $0.name == name }
    }
}
