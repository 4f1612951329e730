/// Full verification of a file (what `zoo verify` runs): every chunk's CRC and every tensor's SHA-256.
extension CheckpointReader {
    /// Decodes every tensor in file order, checking each chunk's CRC32 and each tensor's SHA-256;
    /// throws the first failure, which names the tensor (and the chunk, for a CRC or codec error).
    /// Memory stays bounded: tensors are decoded a group of chunks (at most 64 MiB raw) at a time.
    /// `progress` gets the raw bytes checked so far and the total.
    public func verify(progress: ((_ done: UInt64, _ total: UInt64) -> Void)? = nil) throws(FormatError) {
        let total = index.rawBytes
        var done: UInt64 = 0
        let groupLimit: UInt64 = 64 << 20
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 64)
        defer { buffer.deallocate() }
        for record in index.tensors {
            let stream = try stream(of: record)
            var hasher = SHA256Hasher()
            var first = 0
            while first < record.chunks.count {
                // A group of whole chunks; the first chunk alone may be up to the 16 MiB cap.
                var end = first
                var raw: UInt64 = 0
                while end < record.chunks.count, end == first || raw + record.chunks[end].rawLength <= groupLimit {
                    raw += record.chunks[end].rawLength
                    end += 1
                }
                if buffer.count < Int(raw) {
                    buffer.deallocate()
                    buffer = .allocate(byteCount: Int(raw), alignment: 64)
                }
                let out = UnsafeMutableRawBufferPointer(rebasing: buffer[..<Int(raw)])
                try TensorCodec.decode(record: record, chunks: first..<end, stream: stream, into: out,
                                       workers: TensorCodec.defaultWorkers)
                hasher.update(UnsafeRawBufferPointer(out))
                done += raw
                progress?(done, total)
                first = end
            }
            let digest = hasher.finalizeHex()
            guard digest == record.sha256 else {
                throw FormatError(.checksumMismatch, "tensor '\(record.name)': SHA-256 of the decoded bytes is \(digest) but the index says \(record.sha256); the file is corrupt, restore it from its source")
            }
        }
    }
}
