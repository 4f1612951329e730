/// Encodes a tensor's raw bytes into its stream of independent chunks and back
/// (formats/zckpt-v1.md, "Codecs" and "Chunk table").
public enum TensorCodec {
    /// Raw bytes per chunk (1 MiB); the last chunk of a tensor may be shorter.
    public static let defaultChunkSize = 1 << 20

    /// Encodes `raw` chunk by chunk on all cores, handing the stored bytes to `write` in stream
    /// order, and returns the tensor's record (offset nil). Peak memory is about one chunk per core.
    public static func encode(
        name: String, dtype: DType, shape: [Int], raw: UnsafeRawBufferPointer,
        codec: Codec, level: Int = 6, chunkSize: Int = defaultChunkSize,
        write: (UnsafeRawBufferPointer) throws(FormatError) -> Void
    ) throws(FormatError) -> TensorRecord {
        throw FormatError(.invalidArgument, "TensorCodec.encode is not implemented yet")
    }

    /// Decodes `stream` (the tensor's stored bytes) into `output` (exactly `record.rawBytes` long),
    /// checking every chunk's CRC32 and bounds; with `checkDigest` also the SHA-256 of the result.
    public static func decode(
        record: TensorRecord, stream: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
        checkDigest: Bool = false
    ) throws(FormatError) {
        throw FormatError(.invalidArgument, "TensorCodec.decode is not implemented yet")
    }
}
