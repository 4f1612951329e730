/// One tensor of a batch to decode: its record, its stored stream, and the buffer of exactly its
/// raw bytes.
public struct TensorDecoding {
    public var record: TensorRecord
    public var stream: UnsafeRawBufferPointer
    public var output: UnsafeMutableRawBufferPointer

    public init(record: TensorRecord, stream: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) {
        self.record = record
        self.stream = stream
        self.output = output
    }
}

extension TensorCodec {
    /// Decodes many tensors at once, as loading a model does: the chunks of all of them form one
    /// list of work over every core, so a model of hundreds of one-chunk tensors (MobileNetV2 has
    /// 262, most under 256 KiB) decodes as fast per byte as one large tensor, instead of one core
    /// at a time. Checks what `decode(record:stream:into:checkDigest:)` checks, for each tensor;
    /// throws the failure of the first tensor (in the given order) that failed.
    public static func decode(_ tensors: [TensorDecoding], checkDigest: Bool = false) throws(FormatError) {
        try decode(tensors, checkDigest: checkDigest, workers: defaultWorkers)
    }

    /// The batch `decode` with an explicit number of worker threads.
    static func decode(_ tensors: [TensorDecoding], checkDigest: Bool, workers: Int) throws(FormatError) {
        var spans: [ChunkSpan] = []
        spans.reserveCapacity(tensors.count)
        for t in tensors {
            let record = t.record
            try record.validate()
            guard UInt64(t.stream.count) == record.storedBytes else {
                throw FormatError(.malformed, "tensor '\(record.name)': its stream has \(t.stream.count) bytes but the record says \(record.storedBytes)")
            }
            guard UInt64(t.output.count) == record.rawBytes else {
                throw FormatError(.invalidArgument, "tensor '\(record.name)': the output buffer has \(t.output.count) bytes, the tensor \(record.rawBytes)")
            }
            spans.append(ChunkSpan(record: record, chunks: 0..<record.chunks.count, stream: t.stream, output: t.output))
        }
        for t in tensors { OutputMemory.adviseHugePages(t.output) }
        try decodeChunks(spans, workers: workers)
        guard checkDigest else { return }
        // One tensor per worker at a time; the first mismatch in the given order is reported.
        let digests = UnsafeMutableBufferPointer<String>.allocate(capacity: tensors.count)
        digests.initialize(repeating: "")
        defer {
            digests.deinitialize()
            digests.deallocate()
        }
        Parallel.forEach(tensors.count, workers: workers) { _, i in
            digests[i] = SHA256Digest.hex(UnsafeRawBufferPointer(tensors[i].output))
            return true
        }
        for (i, t) in tensors.enumerated() where digests[i] != t.record.sha256 {
            throw FormatError(.checksumMismatch, "tensor '\(t.record.name)': SHA-256 of the decoded bytes is \(digests[i]) but the index says \(t.record.sha256); the file is corrupt, restore it from its source")
        }
    }
}
