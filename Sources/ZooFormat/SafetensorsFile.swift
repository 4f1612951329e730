/// One tensor in a safetensors header.
public struct SafetensorsEntry: Sendable, Equatable {
    public var name: String
    public var dtype: DType
    public var shape: [Int]
    /// Byte range of the tensor's data, relative to the start of the data section.
    public var dataOffsets: Range<Int>
    public init(name: String, dtype: DType, shape: [Int], dataOffsets: Range<Int>) {
        self.name = name; self.dtype = dtype; self.shape = shape; self.dataOffsets = dataOffsets
    }
}

/// A safetensors file opened for reading: the header validated as the reference implementation
/// validates it, the data memory-mapped.
public final class SafetensorsFile {
    /// Tensors in the order of their data in the file.
    public let tensors: [SafetensorsEntry]
    /// The `__metadata__` map, if the header has one.
    public let metadata: [String: String]?

    public init(path: String) throws(FormatError) {
        throw FormatError(.invalidArgument, "SafetensorsFile is not implemented yet")
    }

    /// The raw bytes of `entry` (valid while the file object lives).
    public func bytes(of entry: SafetensorsEntry) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: nil, count: 0)
    }
}

/// Writes a safetensors file as a stream: the header from the tensor list, then each tensor's bytes
/// in that order. Written to a temporary file and renamed into place by `finish()`.
public final class SafetensorsWriter {
    /// Starts a file at `path` holding `tensors` (name, dtype, shape) in this order.
    public init(path: String, tensors: [(name: String, dtype: DType, shape: [Int])],
                metadata: [String: String]?) throws(FormatError) {
        throw FormatError(.invalidArgument, "SafetensorsWriter is not implemented yet")
    }

    /// Appends the next tensor's bytes (must be called once per tensor, in order).
    public func write(_ bytes: UnsafeRawBufferPointer) throws(FormatError) {
        throw FormatError(.invalidArgument, "not implemented")
    }

    /// Checks every tensor was written, fsyncs and renames into place.
    public func finish() throws(FormatError) {
        throw FormatError(.invalidArgument, "not implemented")
    }
}
