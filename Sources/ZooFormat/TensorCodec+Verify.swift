/// Decoding a whole tensor only to check it: what `zoo verify` does for a `.zckpt` file and
/// `zoo verify --deep` for the store.
extension TensorCodec {
    /// Largest group of chunks decoded at once (raw bytes); a first chunk may exceed it up to the
    /// chunk size limit. Memory stays bounded whatever the tensor's size.
    static let verifyGroupLimit: UInt64 = 64 << 20

    /// Decodes `stream` (the tensor's stored bytes) a group of whole chunks at a time, checking the
    /// record, every chunk's bounds and CRC32, and returns the SHA-256 (lowercase hex) of the
    /// decoded bytes for the caller to compare with `record.sha256`. `progress` gets the raw bytes
    /// of each group as it is done.
    public static func decodedDigest(record: TensorRecord, stream: UnsafeRawBufferPointer,
                                     progress: ((_ rawBytes: UInt64) -> Void)? = nil) throws(FormatError) -> String {
        try record.validate()
        guard UInt64(stream.count) == record.storedBytes else {
            throw FormatError(.malformed, "tensor '\(record.name)': its stream has \(stream.count) bytes but the record says \(record.storedBytes)")
        }
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 64)
        defer { buffer.deallocate() }
        var hasher = SHA256Hasher()
        var first = 0
        while first < record.chunks.count {
            // A group of whole chunks; the first chunk alone may be up to the chunk size limit.
            var end = first
            var raw: UInt64 = 0
            while end < record.chunks.count, end == first || raw + record.chunks[end].rawLength <= verifyGroupLimit {
                raw += record.chunks[end].rawLength
                end += 1
            }
            if buffer.count < Int(raw) {
                buffer.deallocate()
                buffer = .allocate(byteCount: Int(raw), alignment: 64)
            }
            let out = UnsafeMutableRawBufferPointer(rebasing: buffer[..<Int(raw)])
            try decode(record: record, chunks: first..<end, stream: stream, into: out, workers: defaultWorkers)
            hasher.update(UnsafeRawBufferPointer(out))
            progress?(raw)
            first = end
        }
        return hasher.finalizeHex()
    }
}
