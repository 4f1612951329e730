/// Full verification of a file (what `zoo verify` runs): every chunk's CRC and every tensor's SHA-256.
extension CheckpointReader {
    /// Decodes every tensor in file order, checking each chunk's CRC32 and each tensor's SHA-256;
    /// throws the first failure, which names the tensor (and the chunk, for a CRC or codec error).
    /// Memory stays bounded: tensors are decoded a piece (at most 16 MiB raw) at a time, and
    /// follows the chunks as they verify. `progress` gets the raw bytes checked so far and the total.
    public func verify(progress: ((_ done: UInt64, _ total: UInt64) -> Void)? = nil) throws(FormatError) {
        try guarded { () throws(FormatError) in try verifyTensors(progress: progress) }
    }

    private func verifyTensors(progress: ((_ done: UInt64, _ total: UInt64) -> Void)?) throws(FormatError) {
        let total = index.rawBytes
        var done: UInt64 = 0
        for record in index.tensors {
            try TensorCodec.decodeInPieces(record: record, stream: try stream(of: record), checkDigest: true) { (piece) throws(FormatError) in
                done += UInt64(piece.count)
                progress?(done, total)
            }
        }
    }
}
