/// Decoding conveniences for whole files: export to safetensors, `zoo verify`, tests.
extension CheckpointReader {
    /// Decodes every tensor in file order and hands each one's raw bytes to `body` (valid only
    /// during the call). Only one tensor is held in memory at a time. With `checkDigest` each
    /// tensor's SHA-256 is checked too.
    public func decodeEach(checkDigest: Bool = false,
                           _ body: (TensorRecord, UnsafeRawBufferPointer) throws(FormatError) -> Void) throws(FormatError) {
        for record in index.tensors {
            if record.codec == .raw && !checkDigest {
                let raw = try mappedRaw(record.name)
                try guarded { () throws(FormatError) in try body(record, raw) }
                continue
            }
            // Memory follows the chunks as they verify, not the record's claim.
            let bytes = try decode(record.name, checkDigest: checkDigest)
            try bytes.withBytes { (raw) throws(FormatError) in try body(record, raw) }
        }
    }
}
