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
    private var prepared = Set<Int>()
    /// Storages in the order the tensors first use them.
    private let order: [Int]

    /// Opens and reads `path`; `key` picks the dict of tensors (see `PyTorchCheckpoint`).
    public init(path: String, key: String? = nil) throws(FormatError) {
        self.path = path
        let file = try FileDescriptor(reading: path)
        let size = try file.size()
        guard size <= UInt64(Int.max) else { throw FormatError(.limitExceeded, "\(path) is too large to map") }
        fileSize = Int(size)
        map = try MappedFile(file, size: fileSize)
        let map = self.map
        do {
            checkpoint = try map.guarded { () throws(FormatError) in try PyTorchCheckpoint(bytes: map.bytes, key: key) }
        } catch {
            throw error.message.hasPrefix(path) ? error : FormatError(error.kind, "\(path): \(error.message)")
        }
        var seen = Set<Int>()
        order = checkpoint.tensors.map(\.storage).filter { seen.insert($0).inserted }
    }

    /// Tensor `index`'s bytes in row-major order: borrowed from the map when the tensor is a
    /// contiguous slice of a stored storage, else a gathered copy. A storage's pages are mapped and
    /// its zip CRC-32 checked the first time any of its tensors is read (see `prepare`).
    public func bytes(of index: Int) throws(FormatError) -> TensorBytes {
        try map.guarded { () throws(FormatError) in try readBytes(of: index) }
    }

    /// Throws `io` naming the file when it was truncated or rewritten since it was opened (see
    /// `MappedFile`); whoever reads borrowed `bytes(of:)` calls it after the last read.
    public func checkUnchanged() throws(FormatError) {
        try map.checkUnchanged()
    }

    private func readBytes(of index: Int) throws(FormatError) -> TensorBytes {
        let tensor = checkpoint.tensors[index]
        do throws(FormatError) {
            if !prepared.contains(tensor.storage) { try prepare(from: tensor.storage) }
            if case .file(let range, _) = checkpoint.storages[tensor.storage].data, let inner = checkpoint.contiguousRange(of: index) {
                let start = range.lowerBound + inner.lowerBound
                return TensorBytes(borrowing: UnsafeRawBufferPointer(rebasing: map.bytes[start..<(start + inner.count)]), owner: self)
            }
            return TensorBytes(owning: try checkpoint.contiguousBytes(of: index, file: map.bytes))
        } catch {
            throw FormatError(error.kind, "\(path): tensor '\(tensor.name)': \(error.message)")
        }
    }

    /// Bytes of storages prepared together: enough to keep both cores busy on small storages,
    /// little enough that their pages are still in memory when the tensors are read.
    static let batchBytes = 64 << 20

    /// Maps the pages of `storage` and of the storages the next tensors use after it (up to
    /// `batchBytes`), in one `madvise` each, and checks their CRC-32s, on all cores.
    private func prepare(from storage: Int) throws(FormatError) {
        guard let start = order.firstIndex(of: storage) else { return }
        var batch: [Int] = []
        var bytes = 0
        for s in order[start...] where !prepared.contains(s) {
            if !batch.isEmpty, bytes + checkpoint.storages[s].byteCount > Self.batchBytes { break }
            batch.append(s)
            bytes += checkpoint.storages[s].byteCount
        }
        var errors = [FormatError?](repeating: nil, count: batch.count)
        let checkpoint = self.checkpoint, map = self.map
        errors.withUnsafeMutableBufferPointer { out in
            Parallel.run(batch.count) { i in
                if case .file(let range, _) = checkpoint.storages[batch[i]].data { map.prefault(range) }
                do throws(FormatError) { try checkpoint.verifyStorage(batch[i], file: map.bytes) } catch { out[i] = error }
            }
        }
        if let error = errors.compactMap({ $0 }).first { throw error }
        prepared.formUnion(batch)
    }
}
