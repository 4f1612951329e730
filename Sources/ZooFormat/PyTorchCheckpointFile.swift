/// A PyTorch checkpoint file opened for reading: memory-mapped, parsed by `PyTorchCheckpoint`
/// (which reads the pickle and the container's directory, never the tensors' bytes), with tensor
/// bytes handed out on demand.
public final class PyTorchCheckpointFile {
    /// The path, as given.
    public let path: String
    /// What the file holds.
    public let checkpoint: PyTorchCheckpoint
    /// File length in bytes.
    public let fileSize: Int
    private let map: MappedFile
    private var verified = Set<Int>()

    /// Opens and reads `path`; `key` picks the dict of tensors (see `PyTorchCheckpoint`).
    public init(path: String, key: String? = nil) throws(FormatError) {
        self.path = path
        let file = try FileDescriptor(reading: path)
        let size = try file.size()
        guard size <= UInt64(Int.max) else { throw FormatError(.limitExceeded, "\(path) is too large to map") }
        fileSize = Int(size)
        map = try MappedFile(file, size: fileSize)
        do {
            checkpoint = try PyTorchCheckpoint(bytes: map.bytes, key: key)
        } catch {
            throw FormatError(error.kind, "\(path): \(error.message)")
        }
    }

    /// Tensor `index`'s bytes in row-major order: borrowed from the map when the tensor is a
    /// contiguous slice of a stored storage, else a gathered copy. A zip storage's CRC-32 is
    /// checked the first time any tensor of it is read.
    public func bytes(of index: Int) throws(FormatError) -> TensorBytes {
        let tensor = checkpoint.tensors[index]
        do {
            if !verified.contains(tensor.storage) {
                try checkpoint.verifyStorage(tensor.storage, file: map.bytes)
                verified.insert(tensor.storage)
            }
            if case .file(let range, _) = checkpoint.storages[tensor.storage].data, let inner = checkpoint.contiguousRange(of: index) {
                let start = range.lowerBound + inner.lowerBound
                return TensorBytes(borrowing: UnsafeRawBufferPointer(rebasing: map.bytes[start..<(start + inner.count)]), owner: self)
            }
            return TensorBytes(owning: try checkpoint.contiguousBytes(of: index, file: map.bytes))
        } catch {
            throw FormatError(error.kind, "\(path): tensor '\(tensor.name)': \(error.message)")
        }
    }
}
