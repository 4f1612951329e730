import ZooFormat

extension Store {
    /// Writes the version `ref` names to `path`: `.zckpt` copies the stored streams byte for byte
    /// with the description and metadata; safetensors decodes every tensor (CRCs and SHA-256
    /// checked) in the stored order, with the stored `__metadata__`. Every tensor blob's SHA-256 is
    /// checked before its bytes are used, so a corrupted store gives an error, not a corrupted file.
    /// The file appears only when complete (the format writers rename a temporary file into place).
    @discardableResult
    public func export(_ ref: ModelReference, to path: String, format: CheckpointFileFormat) throws(StoreError) -> ModelVersion {
        let (version, manifest, config) = try load(ref)
        // An export is the derivation that keeps every tensor and adds none.
        let whole = DerivedModel(keptTensors: config.tensors.map(\.name), model: config.model, metadata: config.metadata)
        do {
            try writeDerived(whole, parent: manifest, config: config, to: path, format: format)
        } catch {
            throw StoreError(error.kind, "exporting \(version.reference): \(error.message)")
        }
        return version
    }
}
