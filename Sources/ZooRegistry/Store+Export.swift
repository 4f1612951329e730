import ZooFormat

extension Store {
    /// Writes the version `ref` names to `path`: `.zckpt` copies the stored streams byte for byte
    /// with the description and metadata; safetensors decodes every tensor (CRCs and SHA-256
    /// checked) in the stored order, with the stored `__metadata__`. Every tensor blob's SHA-256 is checked before
    /// its bytes are used, so a corrupted store gives an error, not a corrupted file. The file
    /// appears only when complete (the format writers rename a temporary file into place).
    @discardableResult
    public func export(_ ref: ModelReference, to path: String, format: CheckpointFileFormat) throws(StoreError) -> ModelVersion {
        let (version, manifest, config) = try load(ref)
        // Shared gc lock: gc cannot remove a blob while it is being read.
        let lock = DiskIO.isDirectory(privateDirectory) ? try? FileLock(path: gcLockPath, exclusive: false) : nil
        defer { lock?.unlock() }
        do {
            switch format {
            case .zckpt:
                let writer = try CheckpointWriter(path: path)
                writer.metadata = config.metadata ?? [:]
                writer.model = try Store.json(of: config.model)
                for (record, layer) in zip(config.tensors, manifest.layers) {
                    let blob = try checkedStream(of: layer, tensor: record.name)
                    try writer.addEncoded(record: record, stream: blob.bytes)
                }
                try writer.finish()
            case .safetensors:
                let writer = try SafetensorsWriter(path: path, tensors: config.tensors.map { ($0.name, $0.dtype, $0.shape) },
                                                   metadata: config.metadata)
                for (record, layer) in zip(config.tensors, manifest.layers) {
                    let blob = try checkedStream(of: layer, tensor: record.name)
                    guard record.rawBytes <= UInt64(Int.max / 2) else {
                        throw StoreError(.corrupt, "tensor \(record.name) claims \(record.rawBytes) raw bytes")
                    }
                    var raw = [UInt8](repeating: 0, count: Int(record.rawBytes))
                    try raw.withUnsafeMutableBytes { out in
                        try TensorCodec.decode(record: record, stream: blob.bytes, into: out, checkDigest: true)
                    }
                    try raw.withUnsafeBytes { bytes in try writer.write(bytes) }
                }
                try writer.finish()
            }
        } catch let error as StoreError {
            throw error
        } catch let error as FormatError {
            throw StoreError(error.kind == .checksumMismatch ? .corrupt : .format, "exporting \(version.reference) to \(path): \(error.message)")
        } catch {
            throw StoreError(.format, "exporting \(version.reference) to \(path): \(error)")
        }
        return version
    }
}
