/// Reads a `.zckpt` file: opening reads only the footer and index; tensor data is read on demand
/// through a memory map, and every chunk's CRC is checked as it is decoded.
public final class CheckpointReader {
    /// The file's format version.
    public let version: FormatVersion
    /// The validated index.
    public let index: CheckpointIndex

    public init(path: String) throws(FormatError) {
        throw FormatError(.invalidArgument, "CheckpointReader is not implemented yet")
    }

    /// The stored bytes of `record`'s stream (valid while the reader lives).
    public func stream(of record: TensorRecord) throws(FormatError) -> UnsafeRawBufferPointer {
        throw FormatError(.invalidArgument, "not implemented")
    }

    /// Decodes the named tensor's raw bytes.
    public func decode(_ name: String) throws(FormatError) -> [UInt8] {
        throw FormatError(.invalidArgument, "not implemented")
    }
}
