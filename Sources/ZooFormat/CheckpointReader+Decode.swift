/// Decoding conveniences for whole files: export to safetensors, `zoo verify`, tests.
extension CheckpointReader {
    /// Decodes every tensor in file order and hands each one's raw bytes to `body` (valid only
    /// during the call). Only one tensor is held in memory at a time. With `checkDigest` each
    /// tensor's SHA-256 is checked too.
    public func decodeEach(checkDigest: Bool = false,
                           _ body: (TensorRecord, UnsafeRawBufferPointer) throws(FormatError) -> Void) throws(FormatError) {
        var buffer: [UInt8] = []
        for record in index.tensors {
            if record.codec == .raw && !checkDigest {
                let raw = try mappedRaw(record.name)
                try guarded { () throws(FormatError) in try body(record, raw) }
                continue
            }
            buffer = [UInt8](repeating: 0, count: Int(record.rawBytes))
            try buffer.withMutableBytes { (out) throws(FormatError) in
                try decode(record, into: out, checkDigest: checkDigest)
            }
            try buffer.withBytes { (bytes) throws(FormatError) in try body(record, bytes) }
        }
    }
}
