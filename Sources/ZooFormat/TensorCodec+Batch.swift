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
            OutputMemory.adviseHugePages(t.output)
        }
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

extension TensorCodec {
    /// Encodes each of `tensors` into a stream in memory, several at once (one tensor per worker,
    /// each on one thread): for many small tensors, which one at a time would leave all cores
    /// but one idle. The results are in order. After the first failure (in order) later tensors
    /// may be left unencoded, each with a failure of its own; callers stop at the first failure.
    /// Memory: every stream at once, so callers pass bounded batches (`CheckpointWriter.batchBytes`).
    public static func encodeConcurrently(_ tensors: [PendingTensor], codec: Codec, level: Int = 6)
        -> [Result<(TensorRecord, [UInt8]), FormatError>] {
        let results = UnsafeMutableBufferPointer<Result<(TensorRecord, [UInt8]), FormatError>>.allocate(capacity: tensors.count)
        results.initialize(repeating: .failure(FormatError(.invalidArgument, "not encoded: an earlier tensor failed")))
        defer {
            results.deinitialize()
            results.deallocate()
        }
        Parallel.forEach(tensors.count, workers: defaultWorkers) { _, k in
            let t = tensors[k]
            do throws(FormatError) {
                var stream: [UInt8] = []
                stream.reserveCapacity(ChunkWorkspace.storedBound(t.bytes.count))
                let record = try t.bytes.withUnsafeBytes { (raw) throws(FormatError) in
                    try encode(name: t.name, dtype: t.dtype, shape: t.shape, raw: raw, codec: codec, level: level,
                               chunkSize: defaultChunkSize, workers: 1) { (bytes) throws(FormatError) in
                        stream.append(contentsOf: bytes)
                    }
                }
                results[k] = .success((record, stream))
                return true
            } catch {
                results[k] = .failure(error)
                return false
            }
        }
        return Array(results)
    }
}
