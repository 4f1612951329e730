import ZooFormat
import ZooModel

extension Store {
    /// The parent's tensors a derived model keeps, paired with their layer blobs, in the parent's
    /// order. Refuses names the parent does not have and new tensors whose names are taken, before
    /// anything is written.
    static func plan(_ derived: DerivedModel, parent manifest: OCIManifest, config: ModelConfig)
        throws(StoreError) -> [(record: TensorRecord, layer: OCIDescriptor)]
    {
        let wanted = Set(derived.keptTensors)
        let present = Set(config.tensors.map(\.name))
        if let missing = derived.keptTensors.first(where: { !present.contains($0) }) {
            throw StoreError(.invalidArgument, "the description names tensor '\(missing)', which the parent version does not hold; its description and tensors disagree")
        }
        var names = wanted
        for t in derived.newTensors {
            guard names.insert(t.name).inserted else {
                throw StoreError(.invalidArgument, "new tensor '\(t.name)' has the name of a tensor the model already has; choose another head prefix")
            }
            var elements: Int? = 1
            for d in t.shape {
                guard let e = elements, d >= 0 else { elements = nil; break }
                let (p, overflow) = e.multipliedReportingOverflow(by: d)
                elements = overflow ? nil : p
            }
            guard elements == t.values.count else {
                throw StoreError(.invalidArgument, "new tensor '\(t.name)' has \(t.values.count) values, which does not fit its shape \(t.shape)")
            }
        }
        return zip(config.tensors, manifest.layers).filter { wanted.contains($0.0.name) }.map { ($0.0, $0.1) }
    }

    /// Commits `derived` as a new version `name:N` (tagged `tag` if given): the kept tensors are
    /// the parent's blobs, referenced by digest (no tensor bytes written); the new tensors are
    /// encoded with `codec` at `level`.
    ///
    /// The manifest and config hold nothing that depends on the time or on the version number
    /// (those are in `index.json` only), so the same derivation gives the same manifest digest every
    /// time. Nothing is written when a check fails.
    public func commitDerived(_ derived: DerivedModel, parent manifest: OCIManifest, config: ModelConfig,
                              name: String, tag: String? = nil, codec: Codec = .planes, level: Int = 6)
        throws(StoreError) -> DeriveResult
    {
        try ModelReference.validateName(name)
        if let tag { try ModelReference.validateTag(tag) }
        guard (1...9).contains(level) else { throw StoreError(.invalidArgument, "compression level \(level) is out of range; use 1 to 9") }
        if let p = derived.model.lineage?.parent, (try? Digest(parsing: p)) == nil {
            throw StoreError(.invalidArgument, "lineage parent '\(p)' is not a sha256 digest")
        }
        let kept = try Store.plan(derived, parent: manifest, config: config)

        // The writer holds the gc lock shared until it is released, so gc cannot remove a blob
        // (reused or new) before the index references it.
        let writer = try StoreWriter(store: self)
        for (record, layer) in kept {
            try writer.reuse(record: record, blob: layer.digest)
        }
        for t in derived.newTensors {
            let raw = t.littleEndianBytes
            try DiskIO.withBytes(raw) { (bytes) throws(StoreError) in
                _ = try writer.addTensor(name: t.name, dtype: .f32, shape: t.shape, raw: bytes, codec: codec, level: level)
            }
        }
        let version = try writer.commit(name: name, tag: tag, metadata: derived.metadata, model: derived.model)
        return DeriveResult(version: version, newBlobBytes: writer.newBlobBytes + writer.newMetadataBytes,
                            reusedBlobBytes: writer.reusedBlobBytes, newTensors: derived.newTensors.map(\.name))
    }
}
