import Dispatch
import ZooFormat
import ZooModel

extension Store {
    /// Largest tensor `floatTensors` decodes (16 GiB): a bound on what a config may ask us to allocate.
    static let floatTensorLimit: UInt64 = 1 << 34
    /// Tensors `floatTensors` decodes in one batch.
    static let decodeBatchTensors = 256

    /// Every tensor of a version as Float32 values by name (row-major, PyTorch layout), for the trainer.
    ///
    /// Each stream is read through `checkedStream` (blob digest checked) and decoded with
    /// `TensorCodec` (chunk CRCs and the raw bytes' SHA-256 checked). Refuses a tensor that is not
    /// F32, naming it and its dtype, before anything is decoded, except PyTorch's batch-norm counters
    /// (`*.num_batches_tracked`, int64) that no layer uses: those are left out.
    public func floatTensors(manifest: OCIManifest, config: ModelConfig) throws(StoreError) -> [String: [Float]] {
        try floatTensors(manifest: manifest, config: config, batchTensors: Self.decodeBatchTensors)
    }

    /// `floatTensors` decoding `batchTensors` tensors at a time (tests cross batch boundaries).
    func floatTensors(manifest: OCIManifest, config: ModelConfig, batchTensors: Int) throws(StoreError) -> [String: [Float]] {
        guard config.tensors.count == manifest.layers.count else {
            throw StoreError(.corrupt, "config lists \(config.tensors.count) tensors but the manifest has \(manifest.layers.count) layers")
        }
        let used = Set(config.model.tensorNames)
        func isUnusedCounter(_ r: TensorRecord) -> Bool { r.name.hasSuffix(".num_batches_tracked") && !used.contains(r.name) }
        if let other = config.tensors.first(where: { $0.dtype != .f32 && !isUnusedCounter($0) }) {
            throw StoreError(.invalidArgument, "tensor '\(other.name)' is \(other.dtype.rawValue), but the trainer runs Float32 only; convert the model's tensors to F32 before training or evaluating it")
        }
        var selected: [(record: TensorRecord, layer: OCIDescriptor)] = []
        for (record, layer) in zip(config.tensors, manifest.layers) where record.dtype == .f32 {
            do { try record.validate() } catch { throw StoreError(error) }
            guard record.rawBytes <= Store.floatTensorLimit, record.rawBytes == UInt64(record.elementCount) * 4 else {
                throw StoreError(.corrupt, "tensor '\(record.name)': \(record.rawBytes) raw bytes do not fit F32 shape \(record.shape) (or exceed \(Store.floatTensorLimit) bytes)")
            }
            selected.append((record, layer))
        }
        let blobs = try checkedStreams(selected.map { ($0.layer, $0.record.name) })
        // Batches of tensors: the chunks of a batch share the cores (a model of many small tensors
        // otherwise decodes one core at a time), each tensor's SHA-256 checked. A batch's arrays
        // are made by recursion, so its size bounds the depth.
        var values: [[Float]] = []
        values.reserveCapacity(selected.count)
        for start in stride(from: 0, to: selected.count, by: batchTensors) {
            let range = start..<min(start + batchTensors, selected.count)
            values += try Self.floatArrays(selected[range].map { $0.record.elementCount }[...]) { (buffers) throws(StoreError) in
                let jobs = zip(range, buffers).map { i, buffer in
                    TensorDecoding(record: selected[i].record, stream: blobs[i].bytes, output: UnsafeMutableRawBufferPointer(buffer))
                }
                do throws(FormatError) { try TensorCodec.decode(jobs, checkDigest: true) } catch { throw StoreError(error) }
                // Stored bytes are little-endian; on a big-endian host swap each word.
                if UInt32(1).littleEndian != 1 {
                    for buffer in buffers {
                        for i in buffer.indices { buffer[i] = Float(bitPattern: UInt32(littleEndian: buffer[i].bitPattern)) }
                    }
                }
            }
        }
        return Dictionary(zip(selected.map(\.record.name), values), uniquingKeysWith: { first, _ in first })
    }

    /// The blobs of `layers` (with the tensor each holds, for errors), each memory-mapped and its
    /// size and SHA-256 checked against its descriptor, the digests on every core; the first
    /// missing or damaged one (in order) is named.
    func checkedStreams(_ layers: [(OCIDescriptor, String)]) throws(StoreError) -> [MappedBlob] {
        var blobs: [MappedBlob] = []
        blobs.reserveCapacity(layers.count)
        for (layer, tensor) in layers {
            do { blobs.append(try mapBlob(layer.digest)) } catch {
                throw StoreError(.corrupt, "tensor \(tensor): blob \(layer.digest) is missing (\(error.message)); run `zoo verify`")
            }
        }
        let intact = UnsafeMutableBufferPointer<Bool>.allocate(capacity: max(1, layers.count))
        intact.initialize(repeating: false)
        defer { intact.deallocate() }
        nonisolated(unsafe) let results = intact
        nonisolated(unsafe) let shared = (blobs, layers)
        DispatchQueue.concurrentPerform(iterations: layers.count) { i in
            let (blob, layer) = (shared.0[i], shared.1[i].0)
            results[i] = Int64(blob.bytes.count) == layer.size && Digest(of: blob.bytes) == layer.digest
        }
        if let bad = layers.indices.first(where: { !intact[$0] }) {
            throw StoreError(.corrupt, "tensor \(layers[bad].1): blob \(layers[bad].0.digest) is corrupted; run `zoo verify`")
        }
        return blobs
    }

    /// Arrays of `counts[i]` floats, left uninitialised for `fill`, which gets all of their
    /// buffers at once and must write every element (or throw: then no array is returned).
    static func floatArrays(_ counts: ArraySlice<Int>, _ buffers: [UnsafeMutableBufferPointer<Float>] = [],
                            _ fill: ([UnsafeMutableBufferPointer<Float>]) throws(StoreError) -> Void) throws(StoreError) -> [[Float]] {
        guard let count = counts.first else {
            try fill(buffers)
            return []
        }
        var rest: [[Float]] = []
        var failure: StoreError?
        let array = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(StoreError) {
                rest = try floatArrays(counts.dropFirst(), buffers + [buffer], fill)
            } catch {
                failure = error
                buffer.initialize(repeating: 0)
            }
            initialized = count
        }
        if let failure { throw failure }
        return [array] + rest
    }

    /// Float32 tensors of the version `ref` names, with its version, manifest and config.
    public func loadFloat(_ ref: ModelReference) throws(StoreError)
        -> (version: ModelVersion, manifest: OCIManifest, config: ModelConfig, tensors: [String: [Float]])
    {
        let (version, manifest, config) = try load(ref)
        return (version, manifest, config, try floatTensors(manifest: manifest, config: config))
    }

    /// Splits `tensors` (new values by name) against the parent's records into the names whose raw
    /// bytes are unchanged (same SHA-256, dtype and shape: the parent's blob is reused) and the
    /// tensors to encode anew. Parent tensors missing from `tensors` are kept as they are.
    /// Refuses a name the parent does not have and values that do not fit the parent's shape.
    public static func partitionTrained(_ tensors: [String: [Float]], parent config: ModelConfig)
        throws(StoreError) -> (kept: [String], changed: [InitializedTensor])
    {
        let known = Set(config.tensors.map(\.name))
        if let stray = tensors.keys.sorted().first(where: { !known.contains($0) }) {
            throw StoreError(.invalidArgument, "trained tensor '\(stray)' is not a tensor of the parent version; train the version whose description names it")
        }
        var kept: [String] = []
        var changed: [InitializedTensor] = []
        for record in config.tensors {
            guard let values = tensors[record.name] else { kept.append(record.name); continue }
            guard values.count == record.elementCount else {
                throw StoreError(.invalidArgument, "trained tensor '\(record.name)' has \(values.count) values but its shape \(record.shape) holds \(record.elementCount)")
            }
            let t = InitializedTensor(name: record.name, shape: record.shape, values: values, summary: "trained")
            if record.dtype == .f32, SHA256Digest.hex(t.littleEndianBytes) == record.sha256 {
                kept.append(record.name)
            } else {
                changed.append(t)
            }
        }
        return (kept, changed)
    }

    /// Commits trained tensors as a new version `name:N` of `model` (its lineage names the parent):
    /// tensors whose bytes did not change reuse the parent's blobs by digest, the others are
    /// encoded with `codec`. Goes through `commitDerived`, so the manifest holds nothing
    /// time-dependent and the same training gives the same digest.
    public func commitTrained(_ tensors: [String: [Float]], model: ModelDescription, metadata: [String: String]?,
                              parent manifest: OCIManifest, config: ModelConfig, name: String, tag: String? = nil,
                              codec: Codec = .planes, level: Int = 6) throws(StoreError) -> DeriveResult
    {
        let (kept, changed) = try Store.partitionTrained(tensors, parent: config)
        let derived = DerivedModel(keptTensors: kept, newTensors: changed, model: model, metadata: metadata)
        return try commitDerived(derived, parent: manifest, config: config, name: name, tag: tag, codec: codec, level: level)
    }

    /// Commits a model with no parent (`zoo create`): every tensor is encoded with `codec`.
    /// Nothing in the manifest depends on the time, so the same description and values give the
    /// same digest.
    public func commitNew(_ tensors: [InitializedTensor], model: ModelDescription, metadata: [String: String]? = nil,
                          name: String, tag: String? = nil, codec: Codec = .planes, level: Int = 6)
        throws(StoreError) -> DeriveResult
    {
        // An empty parent: commitDerived then keeps nothing and encodes every tensor.
        let empty = OCIManifest(config: OCIDescriptor(mediaType: MediaType.modelConfig, digest: Digest(of: []), size: 0), layers: [])
        let derived = DerivedModel(keptTensors: [], newTensors: tensors, model: model, metadata: metadata)
        return try commitDerived(derived, parent: empty, config: ModelConfig(tensors: [], metadata: nil, model: model),
                                 name: name, tag: tag, codec: codec, level: level)
    }
}
