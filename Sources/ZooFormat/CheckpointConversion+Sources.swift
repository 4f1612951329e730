extension CheckpointConversion {
    /// Converts a file `TensorSource` reads (a PyTorch checkpoint, a shard index, or safetensors by
    /// content) to safetensors or `.zckpt`. Tensors come out contiguous. safetensors output lists them
    /// in the official writer's order (dtype alignment, then name), so the file is the one
    /// `safetensors.torch.save_file` would write for the same tensors; `.zckpt` output keeps the
    /// checkpoint's order. `convert` has checked the options and that input and output differ.
    static func convertSource(from input: String, to output: String, format: CheckpointFileFormat, codec: Codec?, level: Int?,
                              key: String?, progress: ProgressHandler) throws(FormatError) -> Summary {
        let source = try TensorSource(path: input, key: key)
        let total = source.tensors.reduce(UInt64(0)) { $0 + UInt64($1.byteCount) }
        var done: UInt64 = 0
        progress(0, total)
        switch format {
        case .safetensors:
            let order = SafetensorsHeader.officialOrder(Array(source.tensors.indices), name: { source.tensors[$0].name },
                                                        dtype: { source.tensors[$0].dtype })
            let writer = try SafetensorsWriter(path: output, tensors: order.map { (source.tensors[$0].name, source.tensors[$0].dtype, source.tensors[$0].shape) },
                                               orderedMetadata: source.metadata)
            for i in order {
                try source.guarded { () throws(FormatError) in
                    try source.bytes(of: i).withUnsafeBytes { (raw) throws(FormatError) in try writer.write(raw) }
                }
                done += UInt64(source.tensors[i].byteCount)
                progress(done, total)
            }
            try writer.finish()
        case .zckpt:
            let writer = try CheckpointWriter(path: output)
            writer.metadata = source.metadataMap ?? [:]
            for (i, tensor) in source.tensors.enumerated() {
                try source.guarded { () throws(FormatError) in
                    _ = try source.bytes(of: i).withUnsafeBytes { (raw) throws(FormatError) in
                        try writer.addTensor(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, raw: raw,
                                             codec: codec ?? .planes, level: level ?? 6)
                    }
                }
                done += UInt64(tensor.byteCount)
                progress(done, total)
            }
            try writer.finish()
        }
        return Summary(tensorCount: source.tensors.count, rawBytes: total, outputBytes: fileSize(output), headerPreserved: true)
    }
}
