/// Writes a `.zckpt` file as a stream: tensors one after another, then the index and footer.
/// Writes go to a temporary file beside the target, which `finish()` fsyncs and renames into place.
public final class CheckpointWriter {
    /// The string metadata written into the index.
    public var metadata: [String: String] = [:]
    /// The model description written into the index.
    public var model: JSONValue?

    /// Starts a file that will appear at `path` when `finish()` succeeds.
    public init(path: String) throws(FormatError) {
        throw FormatError(.invalidArgument, "CheckpointWriter is not implemented yet")
    }

    /// Encodes and appends a tensor from its raw bytes.
    @discardableResult
    public func addTensor(name: String, dtype: DType, shape: [Int], raw: UnsafeRawBufferPointer,
                          codec: Codec, level: Int = 6) throws(FormatError) -> TensorRecord {
        throw FormatError(.invalidArgument, "not implemented")
    }

    /// Appends an already encoded stream as it is (no re-encoding); `record` describes it.
    public func addEncoded(record: TensorRecord, stream: UnsafeRawBufferPointer) throws(FormatError) {
        throw FormatError(.invalidArgument, "not implemented")
    }

    /// Writes index and footer, fsyncs, and renames the file into place.
    public func finish() throws(FormatError) {
        throw FormatError(.invalidArgument, "not implemented")
    }
}
