/// Decoding a whole tensor only to check it: what `zoo verify --deep` does for the store
/// (CheckpointReader.verify checks its digests in `decodeInPieces` itself).
extension TensorCodec {
    /// Decodes `stream` (the tensor's stored bytes) a piece of whole chunks at a time
    /// (`decodeInPieces`: the record, every chunk's bounds and CRC32 are checked, memory follows the
    /// chunks as they verify) and returns the SHA-256 (lowercase hex) of the decoded bytes for the
    /// caller to compare with its own record of the digest. `progress` gets the raw bytes of each
    /// piece as it is done.
    public static func decodedDigest(record: TensorRecord, stream: UnsafeRawBufferPointer,
                                     progress: ((_ rawBytes: UInt64) -> Void)? = nil) throws(FormatError) -> String {
        var hasher = SHA256Hasher()
        try decodeInPieces(record: record, stream: stream) { (piece) throws(FormatError) in
            hasher.update(piece)
            progress?(UInt64(piece.count))
        }
        return hasher.finalizeHex()
    }
}
