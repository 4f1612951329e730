/// A tensor for `CheckpointWriter.addTensors`: its name, dtype, shape and raw bytes.
public struct PendingTensor {
    public var name: String
    public var dtype: DType
    public var shape: [Int]
    public var bytes: TensorBytes

    public init(name: String, dtype: DType, shape: [Int], bytes: TensorBytes) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }
}

extension CheckpointWriter {
    /// Tensors of at least this many raw bytes are encoded alone, their chunks over every core.
    public static let aloneFromBytes = 4 << 20
    /// Most raw bytes of small tensors encoded at once (their streams wait in memory to be written).
    public static let batchBytes = 64 << 20

    /// Encodes and appends `tensors` in order, with the result of calling `addTensor` for each in
    /// turn (the same file, byte for byte), but several small tensors at a time, one per core:
    /// a model of hundreds of small tensors (MobileNetV2 has 262, most under 256 KiB) otherwise
    /// encodes on one core, a tensor being too small to split. On an error, the tensors before
    /// the one that failed have been added. `progress` gets each tensor's raw byte count once it
    /// is written. The caller bounds the memory `tensors` hold (owned copies); the encoded
    /// streams take at most `batchBytes` plus a bound's worth more.
    @discardableResult
    public func addTensors(_ tensors: [PendingTensor], codec: Codec, level: Int = 6,
                           aloneFrom: Int = CheckpointWriter.aloneFromBytes, batchBytes: Int = CheckpointWriter.batchBytes,
                           progress: (Int) -> Void = { _ in }) throws(FormatError) -> [TensorRecord] {
        var added: [TensorRecord] = []
        for range in Self.batches(sizes: tensors.map(\.bytes.count), aloneFrom: aloneFrom, batchBytes: batchBytes) {
            let first = tensors[range.lowerBound]
            if first.bytes.count >= aloneFrom {
                added.append(try first.bytes.withUnsafeBytes { (raw) throws(FormatError) in
                    try addTensor(name: first.name, dtype: first.dtype, shape: first.shape, raw: raw, codec: codec, level: level)
                })
                progress(first.bytes.count)
            } else {
                added += try addSmall(tensors[range], codec: codec, level: level, progress: progress)
            }
        }
        return added
    }

    /// How `addTensors` groups tensors of `sizes` raw bytes, in order: a tensor of at least
    /// `aloneFrom` bytes alone (its chunks spread over the cores), runs of smaller ones in batches
    /// of at most `batchBytes` (or one tensor) encoded a tensor per core.
    public static func batches(sizes: [Int], aloneFrom: Int = aloneFromBytes, batchBytes: Int = batchBytes) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var i = 0
        while i < sizes.count {
            var end = i + 1
            if sizes[i] < aloneFrom {
                var total = sizes[i]
                while end < sizes.count, sizes[end] < aloneFrom, total + sizes[end] <= batchBytes {
                    total += sizes[end]
                    end += 1
                }
            }
            ranges.append(i..<end)
            i = end
        }
        return ranges
    }

    /// Encodes `batch` concurrently and appends the streams in order, stopping at the first
    /// tensor (in order) that cannot be added.
    private func addSmall(_ batch: ArraySlice<PendingTensor>, codec: Codec, level: Int,
                          progress: (Int) -> Void) throws(FormatError) -> [TensorRecord] {
        let encoded = TensorCodec.encodeConcurrently(Array(batch), codec: codec, level: level)
        var added: [TensorRecord] = []
        for (t, result) in zip(batch, encoded) {
            // The checks addTensor makes before encoding, in order (a name repeated within the
            // batch is caught here too: the first one is placed by then).
            try checkCanAdd(t.name)
            let (record, stream) = try result.get()
            added.append(try stream.withBytes { (bytes) throws(FormatError) in try place(record, stream: bytes) })
            progress(t.bytes.count)
        }
        return added
    }
}
