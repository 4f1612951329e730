/// Converts checkpoint files between safetensors and `.zckpt`, in any direction.
///
/// Tensors keep their order, names, dtypes, shapes and bytes, and the string metadata is carried
/// over, so `safetensors -> zckpt -> safetensors` reproduces a file the official writer made byte
/// for byte (see `SafetensorsHeader` for the canonical header layout). Between two `.zckpt` files a
/// tensor whose codec does not change is copied as its encoded stream, never re-encoded.
public enum CheckpointConversion {
    /// What a conversion did.
    public struct Summary: Sendable, Equatable {
        /// Number of tensors written.
        public var tensorCount: Int
        /// Sum of the tensors' raw bytes.
        public var rawBytes: UInt64
        /// Bytes of the output file.
        public var outputBytes: UInt64
        /// Whether the output reproduces the input's exact safetensors header (false when the input
        /// header was not in the canonical layout, or metadata key order was not known).
        public var headerPreserved: Bool
    }

    /// Reports progress as (raw bytes done, raw bytes in all).
    public typealias ProgressHandler = (_ done: UInt64, _ total: UInt64) -> Void

    /// Converts `input` to `output`, each format chosen by its extension; an input with another
    /// extension is read by content (`TensorSource`: a PyTorch checkpoint, a shard index). `codec` and
    /// `level` apply to `.zckpt` output (default `planes`, level 6); when both are nil between two
    /// `.zckpt` files, the encoded streams are copied as they are. `key` picks a PyTorch
    /// checkpoint's dict of tensors.
    @discardableResult
    public static func convert(from input: String, to output: String, codec: Codec? = nil, level: Int? = nil,
                               key: String? = nil, progress: ProgressHandler = { _, _ in }) throws(FormatError) -> Summary {
        let to = try CheckpointFileFormat.of(output)
        if let level, !(1...9).contains(level) {
            throw FormatError(.invalidArgument, "compression level \(level) is out of range; use 1 (fastest) to 9 (smallest)")
        }
        if to == .safetensors, codec != nil || level != nil {
            throw FormatError(.invalidArgument, "a codec or level applies only to .zckpt output; safetensors stores raw bytes")
        }
        guard realPath(input) != realPath(output) else {
            throw FormatError(.invalidArgument, "input and output are the same file (\(input)); write to another path")
        }
        guard let from = CheckpointFileFormat(path: input) else {
            return try convertSource(from: input, to: output, format: to, codec: codec, level: level, key: key, progress: progress)
        }
        if key != nil {
            throw FormatError(.invalidArgument, "--key applies to PyTorch checkpoints; \(input) is a .\(from.fileExtension) file")
        }
        var summary: Summary
        switch (from, to) {
        case (.safetensors, .zckpt):
            summary = try safetensorsToCheckpoint(input, output, codec: codec ?? .planes, level: level ?? 6, progress: progress)
        case (.zckpt, .safetensors):
            summary = try checkpointToSafetensors(input, output, progress: progress)
        case (.zckpt, .zckpt):
            summary = try checkpointToCheckpoint(input, output, codec: codec, level: level, progress: progress)
        case (.safetensors, .safetensors):
            summary = try safetensorsToSafetensors(input, output, progress: progress)
        }
        summary.outputBytes = fileSize(output)
        return summary
    }

    static func safetensorsToCheckpoint(_ input: String, _ output: String, codec: Codec, level: Int,
                                        progress: ProgressHandler) throws(FormatError) -> Summary {
        let file = try SafetensorsFile(path: input)
        let total = UInt64(file.header.dataLength)
        let writer = try CheckpointWriter(path: output)
        writer.metadata = file.metadata ?? [:]
        var done: UInt64 = 0
        progress(0, total)
        // The tensors' bytes stay in the mapped file; small ones encode several at once.
        let pending = file.tensors.map { entry in
            PendingTensor(name: entry.name, dtype: entry.dtype, shape: entry.shape,
                          bytes: TensorBytes(borrowing: file.bytes(of: entry), owner: file))
        }
        try file.guarded { () throws(FormatError) in
            try writer.addTensors(pending, codec: codec, level: level) { bytes in
                done += UInt64(bytes)
                progress(done, total)
            }
        }
        try writer.finish()
        return Summary(tensorCount: file.tensors.count, rawBytes: total, outputBytes: 0,
                       headerPreserved: file.isCanonical && metadataOrderSurvives(file.header.metadata))
    }

    static func checkpointToSafetensors(_ input: String, _ output: String,
                                        progress: ProgressHandler) throws(FormatError) -> Summary {
        let reader = try CheckpointReader(path: input)
        let index = reader.index
        let writer = try SafetensorsWriter(path: output, tensors: index.tensors.map { ($0.name, $0.dtype, $0.shape) },
                                           orderedMetadata: safetensorsMetadata(index))
        let total = index.rawBytes
        var done: UInt64 = 0
        progress(0, total)
        for record in index.tensors {
            // Piece by piece: memory stays bounded whatever the tensor's size (or its claims).
            if record.chunks.isEmpty { try writer.write(UnsafeRawBufferPointer(start: nil, count: 0)) }
            // Guarded: a file that changes underneath is named as such, not reported as corrupt.
            try reader.guarded { () throws(FormatError) in
                try TensorCodec.decodeInPieces(record: record, stream: try reader.stream(of: record)) { (piece) throws(FormatError) in
                    try writer.writePart(piece)
                    done += UInt64(piece.count)
                    progress(done, total)
                }
            }
        }
        try writer.finish()
        return Summary(tensorCount: index.tensors.count, rawBytes: total, outputBytes: 0, headerPreserved: true)
    }

    static func checkpointToCheckpoint(_ input: String, _ output: String, codec: Codec?, level: Int?,
                                       progress: ProgressHandler) throws(FormatError) -> Summary {
        let reader = try CheckpointReader(path: input)
        let index = reader.index
        let writer = try CheckpointWriter(path: output)
        writer.metadata = index.metadata
        writer.model = index.model
        let total = index.rawBytes
        var done: UInt64 = 0
        progress(0, total)
        for record in index.tensors {
            let target = codec ?? record.codec
            if target == record.codec && level == nil {
                var carried = record
                carried.offset = nil
                try reader.guarded { () throws(FormatError) in
                    try writer.addEncoded(record: carried, stream: try reader.stream(of: record))
                }
            } else {
                let bytes = try reader.decode(record.name)
                _ = try bytes.withBytes { (raw) throws(FormatError) in
                    try writer.addTensor(name: record.name, dtype: record.dtype, shape: record.shape,
                                         raw: raw, codec: target, level: level ?? 6)
                }
            }
            done += record.rawBytes
            progress(done, total)
        }
        try writer.finish()
        return Summary(tensorCount: index.tensors.count, rawBytes: total, outputBytes: 0, headerPreserved: true)
    }

    static func safetensorsToSafetensors(_ input: String, _ output: String,
                                         progress: ProgressHandler) throws(FormatError) -> Summary {
        let file = try SafetensorsFile(path: input)
        let writer = try SafetensorsWriter(path: output, tensors: file.tensors.map { ($0.name, $0.dtype, $0.shape) },
                                           orderedMetadata: file.header.metadata)
        let total = UInt64(file.header.dataLength)
        var done: UInt64 = 0
        progress(0, total)
        for entry in file.tensors {
            try file.guarded { () throws(FormatError) in try writer.write(file.bytes(of: entry)) }
            done += UInt64(entry.dataOffsets.count)
            progress(done, total)
        }
        try writer.finish()
        return Summary(tensorCount: file.tensors.count, rawBytes: total, outputBytes: 0, headerPreserved: file.isCanonical)
    }

    /// The `__metadata__` pairs to write for `index`: nil when it has none, else in sorted key order.
    public static func safetensorsMetadata(_ index: CheckpointIndex) -> [(key: String, value: String)]? {
        guard !index.metadata.isEmpty else { return nil }
        return index.metadata.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    /// Whether metadata in this order comes back the same from a `.zckpt` index (which keeps a map).
    static func metadataOrderSurvives(_ pairs: [(key: String, value: String)]?) -> Bool {
        guard let pairs else { return true }
        guard !pairs.isEmpty else { return false }
        return zip(pairs, pairs.dropFirst()).allSatisfy { $0.key < $1.key }
    }
}
